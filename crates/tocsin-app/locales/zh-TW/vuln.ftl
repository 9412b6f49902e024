# 漏洞協調（本中心作為 CVE 編號管理者 CNA）的頁面：公開通報表單與 TXT 範本、進度查詢頁的漏洞部分、
# 協調人員的案件清單與案件頁、廠商檢視、CVE 編號池、公開漏洞公告。這裡的每個 id 都必須也出現在
# en/vuln.ftl（有測試檢查），且不得與其他檔案的 id 重複（本功能的 error-* 與 mail-* 在 main.ftl）。
nav-report-vuln = 產品漏洞通報
nav-advisories = 漏洞公告
nav-vulnerabilities = 漏洞案件
nav-cve-ids = CVE 編號

## 表單
vuln-report-title = 產品漏洞通報
vuln-report-intro = 不需要帳號。本中心以 CVE 編號管理者（CNA）身分審核通報、與廠商協調，並於修補釋出或預定公開日期到時發布漏洞公告。
vuln-template-link = 下載 TXT 通報表單
vuln-template-hint = 想離線填寫嗎？請填妥 TXT 表單後於下方上傳（或寄給我們）：本頁留白的欄位會由表單內容帶入。
vuln-required-note = 標示 * 的欄位為必填；也可以由上傳的 TXT 表單提供。
vuln-txt-field = 已填寫的 TXT 表單
vuln-txt-hint = UTF-8、UTF-16（Windows 記事本）與 Big5 皆可。表單內容會帶入下方留白的欄位；檔案會隨通報保存。亦可先以本中心的 OpenPGP 公開金鑰加密（gpg --armor --encrypt）再上傳。
vuln-section-reporter = 通報者資訊
vuln-section-vuln = 漏洞資訊
vuln-section-details = 漏洞說明
vuln-section-cvss = CVSS 分數
vuln-section-files = 截圖、影片、概念驗證程式
vuln-hint-date = 例如 2026-11-28、2026/11/28 或民國 115/11/28。
vuln-hint-public-credit = 選「是」時，公開的漏洞公告與 CVE 記錄會列出您的名稱及組織；選「否」則不會在任何公開處具名。
vuln-hint-type = 例如任意程式碼執行、SQL 注入、跨站腳本。
vuln-hint-trigger-method = 步驟或指令；將完全依您填寫的內容保存。
vuln-hint-cvss-vector = 例如 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H（3.0、3.1 或 4.0 版）。本中心會自行計算分數，並標示與您填寫分數的差異。計算器：
vuln-hint-attachments = 上方上傳的 TXT 表單也算一個檔案。
vuln-version-unstated = （未註明）
vuln-submit = 送出通報
vuln-field-report_date = 通報日期
vuln-field-reporter_name = 名稱
vuln-field-reporter_organization = 組織
vuln-field-reporter_email = Email
vuln-field-public_credit = 是否公開名稱及組織
vuln-field-source = 漏洞資訊來源
vuln-field-source_other = 其他
vuln-field-discovered_on = 漏洞發現日期
vuln-field-product = 影響產品名稱
vuln-field-version = 版本
vuln-field-vendor = 產品開發者／廠商
vuln-field-product_url = 產品網站
vuln-field-vuln_type = 漏洞類型
vuln-field-description = 漏洞描述
vuln-field-trigger_conditions = 觸發漏洞特定條件
vuln-field-trigger_method = 觸發漏洞方法
vuln-field-evidence = 佐證資料
vuln-field-impact = 漏洞威脅
vuln-field-cvss_vector = CVSS 向量
vuln-field-cvss_claimed_score = 您評估的 CVSS 分數
vuln-field-cvss_named_version = 您使用的 CVSS 版本
vuln-field-attachments = 附件

## CVSS
vuln-cvss-vector = CVSS 向量
vuln-cvss-computed = CVSS 分數（本中心計算）
vuln-cvss-claimed = 通報者填寫的分數
vuln-cvss-named = 通報者註明的版本
vuln-cvss-warning = 請注意：
vuln-cvss-score-differs = 填寫的分數與向量的基本分數不同：{ $claimed } ≠ { $computed }。
vuln-cvss-version-differs = 註明的 CVSS 版本與向量的版本不同：{ $named } ≠ { $vector }。
vuln-cvss-unreadable-score = 填寫的分數「{ $claimed }」不是 0 到 10 的數字。
vuln-severity-none = 無
vuln-severity-low = 低
vuln-severity-medium = 中
vuln-severity-high = 高
vuln-severity-critical = 重大

## 進度查詢頁與共用標籤
vuln-fields-title = 通報內容
vuln-field-state = 審核狀態
vuln-field-cve = CVE 編號
vuln-cve-none = 尚未指派
vuln-field-target = 預定公開日期

## 協調人員：清單
vuln-desk-title = 漏洞案件
vuln-desk-intro = 進行 CVE 審核與協同揭露的產品漏洞通報。預定公開日期為通報日期加上設定的天數，遇週末及假日順延。
vuln-cases-none = 沒有符合條件的案件。

## 協調人員：單一案件
vuln-transition-none = 此案件已無法再變更狀態。
vuln-field-note = 說明（與新狀態一併讓通報者看到）
vuln-hint-note = 通報者會在進度查詢頁看到狀態變更與此說明。「已通知廠商」由下方寄出廠商通知時設定。
vuln-vendor-title = 廠商
vuln-field-vendor-org = 廠商組織
vuln-field-vendor-status = 廠商狀態
vuln-field-statement = 廠商說明
vuln-vendor-none = 尚無類型為產品廠商、製造商或企業的組織：請管理者於「組織」頁新增。
vuln-vendor-submit = 儲存廠商資料
vuln-notify-title = 通知廠商
vuln-notify-hint = 寄給廠商組織的每位使用者，主旨含追蹤編號；對方登入後即可查看此案件。可先修改內容。
vuln-notify-submit = 寄出通知
vuln-notify-unavailable = 僅審核通過的案件可以通知廠商。
vuln-notify-need-vendor = 請先選擇廠商組織。
vuln-notice-sent-to = 寄給
vuln-cve-title = CVE 編號
vuln-cve-submit = 指派下一個保留的 CVE 編號
vuln-cve-hint = 從管理者匯入的編號池取下一個編號；同一編號絕不重複指派。
vuln-cve-unavailable = 審核通過後、公開之前才能指派 CVE 編號。
vuln-cve-record = 下載 CVE 記錄（CVE JSON 5.1）
vuln-cve-record-hint = 僅在通報者同意時列出其名稱。
vuln-cve-container = 下載待提交的 CNA 容器（cve publish）
vuln-cve-container-hint = 案件尚未公開，這還不是 CVE 記錄。僅在通報者同意時列出其名稱。
vuln-cve-rejected-record = 下載已撤銷（REJECTED）的 CVE 記錄（CVE JSON 5.1）
vuln-cve-english-hint = 公開前須有英文說明（CVE 計畫的要求）。
vuln-reject-title = 撤銷 CVE 編號
vuln-reject-hint = 案件經查並非漏洞時使用：案件改為不予受理，其 CVE 編號產生附此理由的 REJECTED 記錄。已公開的案件無法在此撤銷。
vuln-field-reason-en = 理由（英文，必填）
vuln-field-reason-zh = 理由（繁體中文）
vuln-reject-submit = 撤銷 CVE 編號
vuln-advisory-title = 漏洞公告
vuln-advisory-hint = 案件公開後刊登於 /advisories。CVE 記錄依各段文字實際使用的語言標示；公開前須有英文說明（此欄，或以英文撰寫的通報者描述）。
vuln-field-title = 標題
vuln-field-advisory-zh = 漏洞說明（中文）
vuln-field-advisory-en = 漏洞說明（英文）
vuln-field-solution = 解決方法或緩解措施
vuln-hint-target = 格式 YYYY-MM-DD；留白則不變更
vuln-advisory-submit = 儲存公告內容

## 廠商檢視
vuln-vendor-page-title = 貴公司產品的漏洞通報
vuln-vendor-page-intro = CVE 編號管理者正與貴公司協調此漏洞的揭露。請回覆我們的通知信，告知處理狀態與修補計畫。

## 管理者：CVE 編號
vuln-cve-ids-title = 保留的 CVE 編號
vuln-cve-ids-intro = 本 CNA 獲配的保留 CVE 編號；協調人員將其指派給審核通過的案件，每個編號至多指派一次。
vuln-cve-ids-reserved = 可用
vuln-cve-ids-assigned = 已指派
vuln-cve-ids-field = 要匯入的 CVE 編號
vuln-cve-ids-hint = 每行一個或以逗號分隔，也可以是範圍，例如 CVE-2026-10010 - CVE-2026-10019。已匯入的編號會略過。
vuln-cve-ids-submit = 匯入編號
vuln-cve-ids-added = 已匯入 { $count } 個新編號。

## 公開漏洞公告
advisories-title = 漏洞公告
advisories-intro = 本中心協調處理並已公開的漏洞與其 CVE 編號。
advisories-feed = Atom 訂閱
advisories-none = 尚無已公開的漏洞公告。
advisory-published = 公開日期
advisory-versions = 受影響版本
advisory-cvss = CVSS 基本分數
advisory-credit = 致謝

## 歷程
event-cna_state = 審核狀態
event-cve_assigned = 指派 CVE 編號
event-vendor = 廠商
event-vendor_notified = 已通知廠商
event-publication_reminder = 公開日期提醒
event-advisory = 編輯公告內容
