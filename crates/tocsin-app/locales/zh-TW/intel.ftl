# 情資分享：25 欄位情資的錯誤訊息、分享與郵件。

field-named = { $field }：{ $message }
error-intel-time = 時間請寫成 YYYY-MM-DDThh:mm:ss+hh:mm，例如 2026-12-01T09:30:00+08:00。
error-intel-ana-event = ANA（分析）情資沒有事件主旨，請留空。
error-intel-impact = 影響等級是 1 到 4 的數字。
error-intel-resolved-before = 事件解決時間不可早於發現時間。
error-intel-tlp-loosen = TLP 只能維持或收緊，不可放寬：至少為 { $tlp }。
error-intel-feedback-fbi = 對情資的回饋須為 FBI 類情資。
error-intel-red-named = TLP:RED 情資只能分享給指名的個人，不可分享給群組或組織。
error-intel-informed-amber = 只有 TLP:AMBER 情資可以指定須轉知的組織。
error-intel-no-audience = 請至少選擇一個分享的群組、組織或個人。
error-intel-observable = 第 { $line } 行：指標請寫成「種類 值」，例如「ipv4 203.0.113.5」（種類：ipv4、ipv6、cidr、domain、url、email、md5、sha1、sha256、cve）。
intel-from-incident-empty = （通報未提供描述。）
mail-intel-body = { $name } 您好：

    我們與您分享一筆情資：「{ $subject }」，等級 { $tlp }。
    附件為 N-ISAC TXT 格式的情資，請依其 TLP 處理與轉知。

    在平台上閱讀：
    { $link }
mail-intel-body-withheld = { $name } 您好：

    我們與您分享一筆情資：「{ $subject }」，等級 { $tlp }。
    此等級的情資僅以加密方式寄送，而我們沒有您信箱的 OpenPGP 公開金鑰：請於帳號頁面（/account）上傳金鑰，之後的情資將加密並附於信中。

    在平台上閱讀：
    { $link }
error-intel-shape = 此值的型態不符（依格式應為文字、項目清單或物件）。
error-intel-txt-lines = TXT 表單的這些行不是格式中的欄位：第 { $lines } 行。
warning-intel-unreadable = 第 { $line } 行（{ $text }）：無法從中讀出項目；原文照樣保留。
warning-intel-bad-address = 第 { $line } 行（{ $text }）：「{ $token }」不是有效的 IP 位址或網段。
warning-intel-bad-port = 第 { $line } 行（{ $text }）：「{ $token }」不是連接埠（0 到 65535）。
warning-intel-range = 第 { $line } 行（{ $text }）：範圍「{ $token }」保留為文字，未讀成項目。
warning-intel-bad-protocol = 第 { $line } 行（{ $text }）：「{ $token }」不是通訊協定名稱。
warning-intel-bad-direction = 第 { $line } 行（{ $text }）：「{ $token }」不是來源或目的。
warning-intel-too-many = 自第 { $line } 行起不再讀取：最多 { $max } 筆。
