# 電子報月報與公開月統計
nl-title = 電子報月報
nl-intro = 每月一期：本月發布的漏洞公告、本月統計與編輯室報告。我們會先寄出確認連結，您點選之前不會寄出其他郵件；每一期都附有一鍵取消訂閱連結。
nl-field-locale = 電子報語言
nl-locale-zh = 繁體中文
nl-locale-en = 英文
nl-subscribe = 訂閱
nl-subscribe-sent = 謝謝。若此信箱尚未訂閱，確認連結已寄出。
nl-confirmed = 已確認訂閱，下一期電子報將寄給您。
nl-link-invalid = 此連結不存在、已使用或已過期。您可以在下方重新訂閱。
nl-unsubscribe-title = 取消訂閱電子報
nl-unsubscribe-intro = 按下按鈕即不再收到電子報月報。
nl-unsubscribe-submit = 取消訂閱
nl-unsubscribed = 已取消訂閱，之後不會再寄送電子報給您。
nl-unsubscribe-unknown = 此連結不存在，或此信箱已取消訂閱。
nl-archive = 過往期數
nl-archive-none = 尚未寄出任何一期。
nl-issue-title = 電子報 { $month }
nl-advisories = 本月發布的漏洞公告
nl-no-advisories = 本月未發布漏洞公告。
nl-statistics = 本月統計
nl-editorial = 編輯室報告
nl-desk-title = 電子報各期
nl-desk-draft = 建立草稿
nl-field-month = 月份（YYYY-MM，留空為上個月）
nl-field-editorial = 編輯室報告
nl-save = 儲存編輯室報告
nl-send = 寄送給訂閱者
nl-send-confirm = 寄送後無法撤回；所有有效訂閱者都會收到此期。
nl-preview-mail = 預覽郵件
nl-status = 狀態
nl-status-draft = 草稿
nl-status-sending = 寄送中
nl-status-sent = 已寄出
nl-count-queued = 已排入
nl-count-sent = 已送達
nl-count-bounced = 退信
nl-count-unsubscribed = 因此期取消訂閱
nl-subscribers-title = 電子報訂閱者
nl-subscribers-export = 匯出 JSON
nl-subscribers-erase = 刪除訂閱者
nl-erased = 已刪除此訂閱者。
nl-social = 追蹤我們
nl-error-month = 請以 YYYY-MM 輸入月份，且不得為未來月份。
nl-error-not-draft = 此期已不是草稿。
nl-mail-confirm-subject = 請確認訂閱電子報
nl-mail-confirm-body = 有人（希望是您）以此信箱訂閱我們的電子報月報。請於 { $hours } 小時內開啟以下連結確認：
    { $link }

    若不是您本人，請忽略此信，我們不會再寄信給您。
nl-mail-welcome-subject = 已確認訂閱電子報
nl-mail-welcome-body = 歡迎訂閱。每月電子報將寄到此信箱。過往期數：{ $archive }

    隨時取消訂閱：{ $link }
nl-mail-issue-subject = 電子報月報 { $month }
nl-mail-issue-intro = { $month } 電子報月報。統計圖表以附件圖片提供。
nl-mail-issue-footer = 網頁版統計：{ $stats }
    網頁版本期：{ $archive }
    取消訂閱（一鍵）：{ $unsubscribe }
stats-title = { $month } 統計
stats-intro = 僅有數量統計，不含任何通報者或案件資訊。月份以{ $zone }計。
stats-download-csv = 下載 CSV
stats-table-key = 項目
stats-table-count = 數量
stats-no-data = 無資料
stats-cves-published = 發布的 CVE 紀錄
stats-takedown-median = 通報至下架天數中位數
stats-previous = 上個月
stats-chart-reports-by-kind = { $month } 各類通報數
stats-chart-incidents-by-type = { $month } 資安事件通報（依事件類型）
stats-chart-phishing-by-brand = { $month } 釣魚網址（依品牌）
stats-chart-vulns-by-severity = { $month } 漏洞通報（依 CVSS 嚴重程度）
stats-chart-intel-by-category = { $month } 分享的情資（依類別）
stats-chart-trend = 至 { $month } 十二個月通報趨勢
stats-kind-incident = 資安事件
stats-kind-vulnerability = 產品漏洞
stats-kind-phishing = 釣魚網站
stats-severity-none = 未評分
stats-severity-low = 低
stats-severity-medium = 中
stats-severity-high = 高
stats-severity-critical = 嚴重
nl-nav-desk = 電子報
nl-saved = 已儲存。
