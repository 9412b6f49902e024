# 網路釣魚處理的頁面：公開通報表單、狀態頁的釣魚部分、案件列表與案件頁、每月統計。
# 每個 id 也必須在 en/phishing.ftl 中（有測試檢查），且不可與 main.ftl、reports.ftl 重複。
nav-report-phishing = 通報網路釣魚
nav-phishing = 釣魚網址案件
nav-phishing-figures = 網路釣魚統計

## 通報表單
phishing-report-title = 網路釣魚通報
phishing-report-intro = 不需要帳號。請告訴我們假冒的網站，或引誘他人前往的訊息；本中心確認後會請網站代管業者或網域註冊商將其下架。
phishing-field-urls = 釣魚網址
phishing-hint-urls = 每行一個網址。可以使用去除連結的寫法：hxxp://、hxxps://、[.]、(.)、[:]、[at] 等都會還原成原本的網址。請勿為了確認而開啟該網站。
phishing-field-brand = 仿冒對象（品牌或機關）
phishing-hint-brand = 例如網站假冒的銀行、購物網站、政府機關或物流業者。
phishing-field-seen-in = 出現管道
phishing-field-seen-at = 看到的時間
phishing-hint-seen-at = 請填寫到分鐘，並選擇該時間所在的時區；不確定可留空。
phishing-field-original-message = 原始訊息
phishing-hint-original-message = 可以的話，請貼上含標頭的完整信件（多數郵件軟體的「顯示原始郵件」或「檢視原始碼」）。
phishing-field-eml = 或上傳信件檔（.eml）
phishing-hint-eml = 上方欄位空白時，以此檔案內容作為原始訊息；檔案會與通報一併保存，並計入附件數量。
phishing-field-screenshots = 螢幕截圖與其他檔案
phishing-hint-email = 必填：追蹤編號與專屬查詢連結會寄到這個信箱。
phishing-field-reporter-name = 您的姓名或單位
phishing-field-reporter = 通報者
phishing-submit = 送出通報
phishing-urls-defanged = 網址（已去除連結，無法點選）

## 狀態頁與共用標籤
phishing-urls-title = 通報的網址
phishing-defanged-note = 網址以去除連結的方式顯示（hxxps、[.]），避免被誤開。
phishing-field-url = 網址
phishing-ascii = ASCII 形式
phishing-open-case = 開啟案件

## 處理台：案件列表
phishing-desk-title = 釣魚網址案件
phishing-desk-intro = 每個正規化後的網址為一個案件；之後通報同一網址時會併入尚未結束的案件。
phishing-filter-open = 處理中的案件（已接收與仍在線上）
phishing-cases-none = 沒有符合的案件。
phishing-reporters = 通報人數
phishing-first-reported = 首次通報
phishing-verified-at = 確認時間
phishing-notified-at = 通知業者時間
phishing-taken-down-at = 下架時間
phishing-escalated-at = 逾時提醒時間

## 處理台：單一案件
phishing-host = 主機名稱
phishing-domain = 可註冊網域
phishing-ip = IP 位址
phishing-transition-none = 此網址的狀態已無法再變更。
phishing-field-evidence = 佐證或備註
phishing-hint-evidence = 您看到的內容（網頁標題、最終網址等）；記錄於案件歷程，通報者看不到。
phishing-hint-tlp = 情資分享範圍（TLP 2.0），供阻擋清單使用。
phishing-contacts-title = 濫用通報窗口
phishing-contacts-none = 尚無濫用通報窗口。
phishing-contact-remove = 移除
phishing-contact-add = 新增窗口
phishing-field-role = 角色
phishing-role-registrar = 網域註冊商
phishing-role-hosting = 代管業者
phishing-role-other = 其他
phishing-source-manual = 手動輸入
phishing-source-rdap = 來自 RDAP
phishing-rdap-submit = RDAP 查詢
phishing-rdap-hint = 查詢網域與 IP 位址的濫用通報窗口（結果會暫存）。
phishing-rdap-off = 此伺服器未啟用 RDAP 查詢（未設定 bootstrap 網址），請手動輸入窗口。
phishing-rdap-added = RDAP 查詢完成：新增 { $count } 個窗口。
phishing-notice-title = 通知濫用通報窗口
phishing-notice-hint = 寄給上列所有窗口，主旨含追蹤編號以便串接回覆。可修改內容；網址維持去除連結的形式。
phishing-notice-submit = 寄出通知
phishing-notice-unavailable = 網址確認（或重新上線）後才能寄出通知。
phishing-notice-sent-to = 收件者
phishing-reported-by = 於 { $tracking } 再次被通報
phishing-reports-title = 通報此網址的案件

## 歷程
event-phishing_state = 網址狀態變更
event-phishing_notice = 已寄出通知
event-phishing_reported_again = 再次被通報
event-phishing_escalation = 提醒：通知未獲回應

## 統計
phishing-figures-title = 網路釣魚統計
phishing-figures-intro = 依首次通報的月份（UTC）：新增案件數、從首次通報到確認與到下架的時間（中位數與第 90 百分位數）、各仿冒對象的案件數與各出現管道的通報數。
phishing-figures-none = 尚無網路釣魚案件。
phishing-cases = 案件數
phishing-reports = 通報數
phishing-to-verified = 到確認的時間
phishing-to-taken-down = 到下架的時間
phishing-median = 中位數
phishing-p90 = 第 90 百分位數
phishing-by-brand = 依仿冒對象
phishing-by-seen-in = 依出現管道
phishing-duration = { $hours } 小時 { $minutes } 分

## 佐證
phishing-evidence-title = 佐證資料
phishing-evidence-hint = 記錄您看到的內容與螢幕截圖，保存在案件歷程中（通報者看不到）。
phishing-evidence-submit = 新增佐證
phishing-fetch-submit = 擷取網頁
phishing-fetch-hint = 透過設定的 proxy 連線該網址一次，記錄回應狀態、最終網址、網頁標題與內容雜湊值。
phishing-fetch-off = 此伺服器未啟用網頁擷取功能（處理台主機可能沒有對外網路），請手動記錄您看到的內容。
phishing-fetch-final_url = 最終網址
phishing-fetch-title = 標題
phishing-fetch-sha256 = SHA-256
event-phishing_evidence = 佐證資料
event-phishing_fetch = 已擷取網頁
