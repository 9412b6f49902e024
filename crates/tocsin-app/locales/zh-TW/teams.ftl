## 其他 CSIRT：團隊名錄、轉送與往來紀錄

team-error-country = 請使用兩個字母的 ISO 國家代碼（例如 JP）。
team-error-cidr = 有一個 IP 範圍不是 CIDR 格式（例如 192.0.2.0/24）。
team-error-key = 這不是 ASCII 格式的 OpenPGP 公鑰。
# $actual: the key's own fingerprint
team-error-fingerprint = 指紋與金鑰不符；金鑰的指紋是 { $actual }。
# $reason: why the file could not be read
team-error-file = 無法讀取名錄檔案：{ $reason }
team-error-target = 請輸入 IP 位址、網域或網址。

team-title = CSIRT 名錄
team-intro = 本中心轉送案件的其他資安事件應變團隊；來自其信箱的郵件會開立標示為該團隊的案件。
team-name = 團隊
team-country = 國家（ISO 代碼）
team-email = 聯絡信箱
team-emergency-phone = 緊急電話
team-pgp-key = OpenPGP 公鑰（ASCII 格式）
team-pgp-fingerprint = OpenPGP 指紋
team-accreditation = 認證或登錄
team-language = 來往語言
team-notes = 備註
team-countries = 服務範圍：國家
team-cctlds = 服務範圍：國家頂級網域
team-domains = 服務範圍：網域
team-cidrs = 服務範圍：IP 範圍（CIDR）
team-asns = 服務範圍：ASN
team-list-hint = 每行一個，或以逗號分隔。
team-save = 儲存團隊
team-saved = 已儲存團隊。
team-none = 名錄中尚無團隊。
team-import = 載入名錄檔案
team-import-hint = FIRST teams API 或 Trusted Introducer 團隊匯出的 JSON 檔案。已列出（同名）的團隊會更新。
team-import-file = 名錄檔案
team-import-button = 載入
# $created, $updated, $refused: counts
team-imported = 已載入：新增 { $created } 筆，更新 { $updated } 筆，略過 { $refused } 筆。
team-export = 匯出
team-export-first = FIRST teams 格式
team-export-ti = Trusted Introducer 格式
team-suggest = 哪個團隊負責…
team-suggest-hint = IP 位址、網域或網址。
team-suggest-button = 查詢
# $team: the team; $how: how it matched
team-suggested = { $team }（依{ $how ->
        [cidr] IP 範圍
        [domain] 網域
        [cctld] 國家頂級網域
       *[country] 網路所屬國家
    }比對）
team-suggest-none = 名錄中沒有負責此目標的團隊。

fwd-error-tlp = 請選擇轉送的 TLP。
fwd-error-team = 請至少選擇一個名錄中的團隊。
fwd-error-attachment = 此 TLP 的轉送不能附上這個檔案。
fwd-error-state = 轉送目前的狀態不允許此操作。

fwd-title = 轉送其他團隊
fwd-teams = 團隊
fwd-tlp = 轉送的 TLP
fwd-consent = 通報者同意提供其身分
fwd-attachments = 附上的證據檔案
fwd-note = 給團隊的說明
fwd-button = 轉送
fwd-none = 尚未轉送任何團隊。
fwd-direction-forward = 本中心轉送
fwd-direction-request = 團隊來函
fwd-their-ticket = 對方案號
fwd-state = 狀態
fwd-state-sent = 已送出
fwd-state-acknowledged = 已回覆
fwd-state-resolved = 已解決
fwd-state-no_answer = 未回覆
fwd-set-state = 變更
fwd-answer = 在對方的往來中回覆
fwd-answer-button = 送出回覆

fwd-kind-incident = 資安事件
fwd-kind-vulnerability = 漏洞
fwd-kind-phishing = 網路釣魚
fwd-label-product = 產品
fwd-label-category = 類別
fwd-label-indicators = 指標（已去活化）
fwd-label-description = 說明
fwd-reporter-withheld = 不提供通報者身分。
fwd-reporter = 通報者（同意向貴團隊具名）：{ $name } <{ $email }> { $phone }

# $kind: the kind of case; $tracking: our reference
fwd-subject = 貴團隊服務範圍內的{ $kind }
fwd-body = { $team } 您好：

    本中心收到與貴團隊服務範圍有關的通報，轉送請協助處理。
    本中心案號：{ $tracking }（{ $kind }）。回覆時請在主旨保留此案號。
    本信為 { $tlp }：請依該標示分享。

    { $case }
    { $reporter }

    { $note }

    敬祝 順安
    { $operator }
fwd-answer-subject = 關於本中心案號 { $tracking }
fwd-reminder-subject = 提醒：本中心轉送的 { $tracking }
fwd-reminder-body = { $team } 您好：

    本中心尚未收到貴團隊對轉送案件 { $tracking } 的回覆。請告知是否已收到並正在處理。

    敬祝 順安
    { $operator }

event-team_forward = 轉送團隊
event-team_reply = 團隊回覆
event-team_request = 團隊來函
event-team_answer = 回覆團隊
