# 繁體中文 (default). Every id here must exist in en/main.ftl too (a test checks).
nav-label = 主選單
nav-home = 首頁
nav-login = 登入
nav-logout = 登出
nav-orgs = 組織管理
nav-users = 使用者管理
nav-audit = 稽核紀錄
lang-other = English
confidentiality-promise = 本中心對通報單位所提供之資訊絕對保密，僅用於事件處理與協調。
contact-phone = 電話
home-title = 資安通報與情資分享平台
home-intro = 企業與研究人員可在此通報資安事件、產品漏洞與網路釣魚，並與各 ISAC 及國際 CERT 分享情資。
service-incident = 資安事件通報
service-vulnerability = 產品漏洞通報
service-phishing = 網路釣魚通報
service-intel = 資安情資分享
login-title = 登入
login-submit = 登入
setup-title = 建立第一位管理者
setup-intro = 這是首次啟動。請建立平台的第一位管理者帳號；此連結僅能使用一次。
setup-submit = 建立管理者
setup-done = 管理者已建立，請登入。
field-email = 電子郵件
field-password = 密碼
field-name = 姓名
field-org = 所屬組織
field-org-name = 組織名稱
field-sector = 產業別
field-kind = 組織類型
field-alliance = 台灣 CERT/CSIRT 聯盟成員
field-roles = 角色
password-hint = 至少 12 個字元
password-optional = （選填，至少 12 個字元；留空則稍後設定）
org-new = 新增組織
org-list = 組織列表
org-none = （無）
user-new = 新增使用者
user-list = 使用者列表
create = 建立
disabled = 已停用
filter = 篩選
older = 較早的紀錄
audit-at = 時間
audit-actor = 執行者
audit-action = 動作
audit-target = 對象
audit-target-kind = 對象類型
audit-target-id = 對象編號
audit-detail = 細節
account-title = 我的帳號
tokens-title = API 權杖
token-name = 名稱
token-shown-once = 這是新權杖，只會顯示這一次，請立即妥善保存：
created = 建立時間
last-used = 最後使用
revoke = 撤銷
revoked = 已撤銷
kind-company = 一般企業
kind-manufacturer = 製造業者
kind-security_firm = 資安業者
kind-vendor = 產品廠商
kind-isac = ISAC
kind-cert = CERT／CSIRT
kind-isp = 網路服務業者（ISP）
kind-academia = 學術單位
role-reporter = 通報者
role-member = 組織成員
role-analyst = 分析人員
role-coordinator = 協調人員
role-admin = 系統管理者
role-partner = 分享夥伴
role-monitor = 監控系統
err-title = 無法完成請求
err-validation = 輸入資料有誤，請檢查標示的欄位。
err-unauthorized = 請先登入。
err-forbidden = 您沒有權限執行此操作。
err-cross_site = 已拒絕來自其他網站的請求。
err-not_found = 找不到此頁面或資料。
err-conflict = 此資料已存在，或同時在別處被修改，請重新載入後再試。
err-rate_limited = 嘗試次數過多，請稍後再試。
err-bad_request = 請求格式錯誤。
mail-authentication = 寄件驗證（SPF / DKIM / DMARC）
err-unavailable = 服務暫時無法使用（無法連上資料庫），本次內容未儲存，請稍候幾秒再試。
err-internal = 系統發生錯誤，請稍後再試。
error-required = 此欄位為必填。
error-too-long = 最多 { $max } 個字元。
error-control-chars = 含有不允許的控制字元。
error-single-line = 此欄位只能填一行，不可換行或含定位字元。
error-email = 電子郵件格式不正確。
error-password-short = 密碼至少需要 { $min } 個字元。
error-choice = 請從選項中選擇。
error-taken = 此值已被使用。
error-login = 電子郵件或密碼不正確。
error-password-mismatch = 兩次輸入的密碼不一致。
mail-account-subject = 您的帳號已建立
mail-invite-body = 已為您在本中心的通報與情資分享平台建立帳號。請於 { $days } 天內開啟以下連結設定密碼（連結僅能使用一次）：
    { $link }
mail-account-body = 已為您在本中心的通報與情資分享平台建立帳號，請由此登入：
    { $link }
password-title = 設定密碼
password-submit = 設定密碼
password-done = 密碼已設定，請登入。
field-password-confirm = 再次輸入密碼
mail-reset-subject = 設定新密碼
mail-reset-body = 管理者已為您的帳號發出設定新密碼的連結。請於 { $days } 天內開啟（連結僅能使用一次）：
    { $link }
org-edit = 編輯組織
save = 儲存
field-disabled = 停用此帳號（無法登入，工作階段與權杖立即失效）
send-password-link = 寄送設定新密碼連結
password-link-sent = 已寄出設定新密碼的連結。
error-phone = 電話號碼只能包含數字、空格及 + - ( ) #，分機請寫「分機」或 ext。
error-datetime = 請輸入正確的日期與時間（例如 2026-11-28 09:15）。
error-future = 時間不能晚於現在。
error-time-zone = 無法辨識的時區。
error-tracking-number = 追蹤編號格式不正確（例如 INC-2026-000001）。
error-too-many-files = 最多只能附加 { $max } 個檔案。
error-file-too-large = 檔案「{ $name }」超過 { $max } 的上限。
error-transition = 目前的狀態不能這樣變更。
error-duplicate-self = 通報不能是自己的重複。
error-unknown-report = 找不到這個追蹤編號的通報。
error-score = 請選擇 1 到 5 分。
mail-ack-not-taken = 您來信中的下列附件未收錄於通報（仍保存於本中心留存的原始郵件中）：
    { $files }
    請於限制內重新寄送，或透過上方專屬連結補充。
mail-ack-subject = 通報已收到
mail-ack-body = 您好：
    本中心已收到您的資安事件通報，追蹤編號為 { $tracking }。
    事件類型：{ $type }
    發現時間：{ $discovered }

    您可以透過以下專屬連結查詢處理進度、補充資料（請妥善保管，勿轉寄）：
    { $link }

    本中心對您提供的資訊絕對保密。
mail-update-subject = 通報處理更新
mail-update-body = 您好：
    關於您的通報 { $tracking }，本中心的訊息如下：

    { $message }

    請使用通報時收到的確認信中的專屬連結查看進度或補充資料；若已登入平台，也可在 { $link } 查看。
mail-survey-subject = 滿意度調查
mail-survey-body = 您好：
    您的通報 { $tracking } 已結案。懇請撥冗填寫滿意度調查，協助我們改善服務：
    { $link }
error-base64 = 附件內容必須是 base64 編碼。
err-too_large = 上傳的資料超過大小上限。
error-url = 第 { $line } 行「{ $url }」無法通報：{ $reason ->
        [empty] 內容是空的
        [too-long] 超過 2048 個字元
        [scheme] 只接受 http 或 https 網址
        [host] 缺少主機名稱，或不是有效的網域名稱或 IP 位址
        [idn] 國際化網域名稱無效
        [port] 連接埠不是 0 到 65535 之間的數字
       *[invalid] 不是有效的網址
    }。
error-too-many-urls = 每次通報最多 { $max } 個網址。
error-url-scheme = 只接受 http 或 https 網址（不接受 { $scheme }:）。
error-url-host = 缺少主機名稱，或不是有效的網域名稱或 IP 位址。
error-url-idn = 國際化網域名稱（IDN）無效。
error-url-port = 連接埠必須是 0 到 65535 之間的數字。
error-url-invalid = 這不是有效的網址。
error-no-contacts = 請先加入至少一個濫用通報聯絡窗口。
mail-ack-phishing-body = 您好：
    本中心已收到您的網路釣魚通報，追蹤編號為 { $tracking }。
    冒用對象：{ $brand }
    網址（已去除連結功能）：
    { $urls }

    您可以透過以下專屬連結查詢處理進度、補充資料（請妥善保管，勿轉寄）：
    { $link }
mail-notice-subject = Phishing site report / 網路釣魚網站通報
mail-notice-body = 您好：
    本中心（{ $operator }）接獲通報，下列網址疑似冒用「{ $brand }」進行網路釣魚（網址已去除連結功能）：
    { $url }
    首次通報時間：{ $first_seen }
    請協助調查並停止該網站服務，並回覆本信告知處理結果（請保留主旨中的編號 { $tracking }）。
mail-escalation-subject = 釣魚網址通知逾時未回應
mail-escalation-body = 釣魚網址 { $url }（{ $tracking }）的濫用通知已超過 { $hours } 小時未獲回應，請考慮升級處理（例如通知註冊商或上游業者）。
error-rdap-off = 未設定 RDAP 查詢（無對外網路時請手動輸入聯絡窗口）。
error-rdap-failed = RDAP 查詢失敗，請稍後再試或手動輸入聯絡窗口。
error-fetch-off = 未啟用網頁擷取功能。
error-fetch-failed = 無法擷取該網頁。
error-fetch-private = 該網址指向內部網路或保留位址，不予擷取。
error-notify-state = 須先確認（verified）或重新開啟的案件才能寄送通知。
mail-notice-evidence = 本中心擷取該網頁的紀錄：HTTP 狀態 { $status }，標題「{ $title }」，最終網址 { $final_url }，內容 SHA-256 { $sha256 }。
error-date = 請輸入正確的日期（例如 2026-11-28、2026/11/28 或民國 115/11/28）。
error-discovered-after-report = 漏洞發現日期不能晚於通報日期。
error-form-unreadable = 表單中此欄位無法判讀：{ $problem }
error-cvss = CVSS 向量有誤：{ $reason }
error-cve-missing = 尚未指派 CVE 編號。
error-cve-state = 只有已受理且尚未公開的案件可以指派 CVE 編號。
error-cve-pool-empty = 已無可用的保留 CVE 編號，請先匯入。
error-cve-list = CVE 編號清單有誤：{ $reason }
error-cwe = CWE 編號格式應為 CWE-79 這樣的形式。
error-cna-config = 尚未設定 CNA 組織 UUID（cna.org_id）。
error-cve-record = 無法產生 CVE 記錄：{ $reason }
error-cve-english = CVE 計畫要求提供英文說明：請於公開前填寫英文說明（不含中文字的文字）。
error-cve-reject-reason = 此案件已有 CVE 編號：請以「撤銷 CVE 編號」處理，並填寫記錄所需的撤銷理由。
error-cve-reject-state = 只有已受理且尚未公開之案件的 CVE 編號可以撤銷。
error-stix = 無法讀取的 STIX 2.1 bundle：{ $reason }
error-stix-empty = 此 bundle 沒有任何報告或指標。
error-vendor-no-users = 此廠商組織尚無可通知的使用者。
mail-ack-vuln-body = 您好：
    本中心已收到您的產品漏洞通報，追蹤編號為 { $tracking }。
    影響產品：{ $product }
    本中心計算的 CVSS 分數：{ $score }

    您可以透過以下專屬連結查詢處理進度、補充資料（請妥善保管，勿轉寄）：
    { $link }
mail-vendor-subject = 產品漏洞協調通知
mail-vendor-body = 您好：
    本中心（CVE 編號管理者）接獲關於貴公司產品 { $product }（版本 { $version }）的漏洞通報，追蹤編號 { $tracking }，CVSS 基本分數 { $score }。
    預定公開日期：{ $target }
    請登入平台查看詳情並回覆處理狀態：{ $link }
mail-publication-reminder-subject = 漏洞預定公開日提醒
mail-publication-reminder-body = 通報 { $tracking } 的預定公開日為 { $target }，目前狀態：{ $state }。請確認廠商修補進度與公告內容。
