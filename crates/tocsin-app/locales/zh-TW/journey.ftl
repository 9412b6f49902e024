## The journey: news to reporters
event-phishing_url_news = 網址處理進度
mail-phishing-news-subject = 您通報的網址處理進度
mail-phishing-news-body = 您好：
    關於您的通報 { $tracking }：網址 { $url } 目前的狀態為「{ $state }」。
    { $meaning }

    感謝您的通報。
mail-phishing-news-verified = 本中心已確認為釣魚網站，正請相關業者下架。
mail-phishing-news-taken_down = 該網站已下架。
mail-phishing-news-false_positive = 經確認並非釣魚網站，本案不再進一步處理。

## Redemptions
mail-redemption-waiting-subject = 有待審核的點數兌換
mail-redemption-waiting-body = 您好：
    有會員申請以 { $cost } 點兌換：{ $item }。
    點數已暫時保留，請審核（核准或退回）：{ $link }
mail-redemption-decided-subject = 您的點數兌換已審核
mail-redemption-decided-body = 您好：
    您申請兌換的「{ $item }」已{ $decision }。
    { $note }
    您的點數與兌換紀錄：{ $link }
mail-redemption-approved = 核准
mail-redemption-rejected = 退回（保留的點數已歸還）

## Referrals
mail-referral-offered-subject = 有新的協處商機轉介
mail-referral-offered-body = 您好：
    有需要協助的通報案件已轉介給持有「協處商機」兌換項目的業者（通報人選定業者前不揭露身分）：
    產業：{ $sector }
    事件類型：{ $type }
    { $summary }
    請至此接案：{ $link }
mail-referral-accepted-subject = 已有業者願意協助
mail-referral-accepted-body = 您好：
    已有業者願意協助您的通報 { $tracking }。請開啟通報的查詢頁面（本中心確認信中的專屬連結），檢視願意協助的業者並選擇一家；您的聯絡資訊只會提供給您選定的業者。

## The desk
error-tasks-open = 檢核清單尚有 { $count } 項工作未完成：請先完成，或填寫仍要結案的理由。
field-close-anyway-reason = 仍要結案的理由（檢核清單尚有未完成工作時必填）

## The staff home
staffhome-title = 待處理事項
staffhome-desk-incident = 資安事件
staffhome-desk-vulnerability = 產品漏洞
staffhome-desk-phishing = 釣魚網址
staffhome-desk-intel = 情資
staffhome-desk-mail = 郵件
staffhome-desk-points = 點數兌換
staffhome-new = 新進
staffhome-breached = 已逾服務時限
staffhome-mine = 指派給我
staffhome-drafts = 待審草稿
staffhome-held = 待人工處理
staffhome-waiting = 待審核

## Navigation groups (by audience)
nav-group-report = 通報
nav-group-mine = 我的
nav-group-desk = 處理台
nav-group-coordination = 漏洞協調
nav-group-admin = 系統管理
nav-status = 查詢通報進度
nav-vendor-cases = 本組織產品的漏洞案件
nav-account = 帳號設定

## Time zones by name (`tz-` + the IANA name, lower case, `/` and `_` as `-`)
tz-asia-taipei = 台北時間
tz-utc = 世界協調時間
tz-etc-utc = 世界協調時間
tz-asia-tokyo = 東京時間
tz-asia-hong-kong = 香港時間
tz-asia-singapore = 新加坡時間

## Audit log: actions and target kinds by key (`audit-act-`/`audit-kind-` + key, `.`/`_` as `-`); actors
audit-act-access-denied = 拒絕存取
audit-act-attachment-read = 讀取附件
audit-act-audit-read = 查閱稽核紀錄
audit-act-auth-login = 登入
audit-act-auth-login-failed = 登入失敗
audit-act-auth-login-throttled = 登入嘗試過多而暫停
audit-act-auth-logout = 登出
audit-act-cve-load = 匯入 CVE 編號
audit-act-feed-read = 讀取釣魚網址清單
audit-act-group-create = 建立分享群組
audit-act-group-member = 變更群組成員
audit-act-intel-create = 建立情資
audit-act-intel-export = 匯出情資
audit-act-intel-import = 匯入情資
audit-act-intel-list = 列出情資
audit-act-intel-read = 閱讀情資
audit-act-intel-share = 分享情資
audit-act-intel-update = 更新情資
audit-act-mail-list = 列出收件郵件
audit-act-mail-read = 閱讀收件郵件
audit-act-mail-receive = 收到郵件
audit-act-org-create = 建立組織
audit-act-org-update = 更新組織
audit-act-phishing-contact = 設定業者聯絡窗口
audit-act-phishing-contact-removed = 移除業者聯絡窗口
audit-act-phishing-evidence = 保存釣魚證據
audit-act-phishing-fetch = 擷取釣魚網頁
audit-act-phishing-notify = 通知業者下架
audit-act-phishing-rdap = 查詢網域註冊資料
audit-act-phishing-read = 閱讀釣魚案件
audit-act-phishing-transition = 變更網址狀態
audit-act-points-adjust = 調整點數
audit-act-points-decide = 審核點數兌換
audit-act-points-leaderboard = 查閱排行榜
audit-act-points-redeem = 申請點數兌換
audit-act-referral-accept = 業者承接轉介
audit-act-referral-choose = 通報者選定業者
audit-act-referral-consent = 同意轉介
audit-act-referral-list = 列出協處商機
audit-act-referral-offer = 提供協處商機
audit-act-referral-outcome = 記錄轉介結果
audit-act-referral-rate = 評價業者
audit-act-referral-withdraw = 撤回協處商機
audit-act-report-assign = 指派通報
audit-act-report-claim = 認領通報
audit-act-report-claim-requested = 申請認領通報
audit-act-report-classify = 分類通報
audit-act-report-create = 建立通報
audit-act-report-message = 傳送訊息給通報者
audit-act-report-read = 閱讀通報
audit-act-report-reporter-info = 通報者補充資料
audit-act-report-task = 更新檢核工作
audit-act-report-transition = 變更通報狀態
audit-act-setup-first-admin = 建立第一位管理者
audit-act-survey-answer = 填寫滿意度調查
audit-act-taxii-delete = 刪除 TAXII 物件
audit-act-taxii-post = 新增 TAXII 物件
audit-act-token-create = 建立 API 權杖
audit-act-token-revoke = 撤銷 API 權杖
audit-act-user-create = 建立使用者
audit-act-user-password-change = 變更密碼
audit-act-user-password-forgot = 申請重設密碼
audit-act-user-password-link = 寄送密碼連結
audit-act-user-password-set = 設定密碼
audit-act-user-update = 更新使用者
audit-act-vuln-advisory = 編輯漏洞公告
audit-act-vuln-assign-cve = 指派 CVE 編號
audit-act-vuln-notify-vendor = 通知廠商
audit-act-vuln-read = 閱讀漏洞案件
audit-act-vuln-reject-cve = 退回 CVE 編號
audit-act-vuln-transition = 變更漏洞案件狀態
audit-act-vuln-vendor = 設定廠商
audit-act-vuln-vendor-list = 廠商列出案件
audit-kind-api-token = API 權杖
audit-kind-audit-log = 稽核紀錄
audit-kind-inbound-mail = 收件郵件
audit-kind-intel = 情資
audit-kind-leaderboard = 排行榜
audit-kind-metrics = 監控指標
audit-kind-organization = 組織
audit-kind-outbox = 寄件匣
audit-kind-phishing-feed = 釣魚網址清單
audit-kind-points-account = 點數帳戶
audit-kind-points-catalog = 兌換項目
audit-kind-referral = 協處商機
audit-kind-report = 通報
audit-kind-sharing-group = 分享群組
audit-kind-statistics = 統計
audit-kind-taxii-collection = TAXII 集合
audit-kind-user = 使用者
audit-kind-phishing-case = 釣魚案件
audit-kind-vuln-case = 漏洞案件
audit-kind-attachment = 附件
audit-kind-session = 登入階段
actor-system = 系統
actor-anonymous = 匿名訪客
actor-cli = 主控台
audit-kind-cve-ids = CVE 編號池

## Monthly figures follow the desk's clock
surveys-intro-zoned = 每月的填答數與各題平均分數（1–5 分），依填答時間（{ $zone }）分月。
phishing-figures-intro-zoned = 依首次通報的月份（{ $zone }）：新增案件數、從首次通報到確認與到下架的時間（中位數與第 90 百分位數）、各仿冒對象的案件數與各出現管道的通報數。

## Why a CVE id list was refused (the line, then what is wrong there)
error-cve-list-empty = 清單中沒有任何 CVE 編號。
error-cve-list-syntax = 第 { $line } 行：「{ $text }」不是 CVE 編號（格式為 CVE-年份-序號）。
error-cve-list-year = 第 { $line } 行：「{ $text }」的年份須在 1999 至 9999 之間。
error-cve-list-short = 第 { $line } 行：「{ $text }」的序號至少要 4 位數。
error-cve-list-leading-zero = 第 { $line } 行：「{ $text }」超過 4 位數的序號不可以 0 開頭。
error-cve-list-too-long = 第 { $line } 行：「{ $text }」的序號超過 19 位數。
error-cve-list-backwards = 第 { $line } 行：範圍 { $from }..{ $to } 的結尾在開頭之前。
error-cve-list-years = 第 { $line } 行：範圍 { $from }..{ $to } 跨越不同年份。
error-cve-list-range = 第 { $line } 行：範圍 { $from }..{ $to } 共 { $count } 個編號，超過上限 { $max } 個。
error-cve-list-too-many = 第 { $line } 行：編號總數超過上限 { $max } 個。

## Waiting on the reporter
staffhome-waiting-reporter = 待通報者回覆（超過 2 個工作天）
desk-waiting-only = 只看待通報者回覆

## Vulnerability cases: messages to the researcher
vuln-message-title = 傳送訊息給通報者
vuln-message-hint = 訊息會寄給通報者，並顯示在其查詢頁面上。

## The audit log: a reporter reading by the status link
actor-reporter-link = 通報者（查詢連結）

## Vulnerability cases: timers by state, and duplicate-of links
vuln-sla-state = 本階段時限
vuln-sla-none = 此狀態不計時
vuln-breached-only = 只看逾時案件
vuln-duplicate-title = 重複案件
vuln-duplicate-of = 本案為下列案件的重複：
vuln-duplicates = 下列案件為本案的重複：
vuln-duplicate-field = 原案件追蹤編號
vuln-duplicate-hint = 留空即取消重複標記
vuln-duplicate-submit = 儲存重複標記
error-duplicate-cycle = 這樣標記會形成循環：原案件已經（直接或間接）標記為本案的重複。
event-duplicate_of = 重複標記
audit-act-vuln-duplicate-of = 標記漏洞案件重複

## The account's phone (prefills the report forms)
account-phone-title = 電話
account-phone-hint = 選填；填寫後，通報表單會自動帶入
account-phone-submit = 儲存電話
audit-act-user-phone = 變更聯絡電話
