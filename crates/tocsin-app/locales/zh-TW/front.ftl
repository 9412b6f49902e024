# The front door, the privacy notice, the how-to page and the receipt (helper "front").
front-receipt-again = 這份通報您已經送出過了：以下是第一次送出時的收據，沒有重複建立新的通報。
front-receipt-cvss-warnings = 您填寫的 CVSS 資料與向量計算的結果不一致，本中心將以向量計算的分數為準，必要時會與您確認：

## The front door (home page)
front-lead = 發現資安事件、產品漏洞或網路釣魚？請直接通報，不需要帳號。本中心收到後會立即以電子郵件回覆追蹤編號與專屬的進度查詢連結。
front-report-title = 我要通報
front-incident = 通報資安事件
front-incident-next = 系統遭入侵、中毒、勒索、服務中斷或資料外洩。送出後您會收到追蹤編號，分析人員會依嚴重程度與您聯繫並協助處理。
front-vulnerability = 通報產品漏洞
front-vulnerability-next = 您發現的軟硬體漏洞。本中心會通知產品廠商、協調修補並視需要申請 CVE 編號；公開前不會洩漏漏洞細節。
front-phishing = 通報網路釣魚
front-phishing-next = 可疑的簡訊、郵件或仿冒網站。本中心會查證網址並通知主機與網域業者下架。
front-confidential = 您提供的資料僅供事件處理與協調使用，您的姓名與聯絡方式不會提供給廠商或第三方。
front-privacy-link = 個人資料保護說明
front-lookup-title = 查詢通報進度
front-lookup-intro = 請輸入確認信中的追蹤編號與查詢碼（也可以直接貼上整個進度查詢連結）。
front-lookup-tracking = 追蹤編號
front-lookup-token = 查詢碼（或進度查詢連結）
front-lookup-hint = 查詢碼在通報後的確認信與收據頁面中，請勿分享給他人。
front-lookup-submit = 查詢進度
front-lookup-refused = 請輸入追蹤編號（例如 INC-2026-000001）與確認信中的查詢碼。
front-channels-title = 其他通報方式
front-channels-hint = 以郵件通報時，請在信中說明發生的時間、受影響的系統與聯絡方式；收到後同樣會回覆追蹤編號。
front-mail-route-incident = 資安事件（電子郵件）
front-mail-route-vulnerability = 產品漏洞（電子郵件）
front-mail-route-phishing = 網路釣魚（電子郵件，可直接轉寄可疑郵件）
front-mail-general = 電子郵件
front-phone = 電話
front-advisories-title = 最新漏洞公告
front-advisories-all = 所有漏洞公告
front-more-title = 更多資訊
front-help-link = 如何通報與常見問題
front-points-link = 會員回饋點數說明
front-login-link = 會員登入（通報會列在貴單位名下並累積點數）

## The privacy notice
front-privacy-title = 個人資料保護說明
front-privacy-intro = 本說明告訴您通報時我們蒐集哪些資料、誰可以看到，以及保存多久。
front-privacy-collected-title = 我們蒐集的資料
front-privacy-collected-contact = 您填寫的聯絡資料：姓名或單位名稱、電子郵件、電話（選填）。
front-privacy-collected-report = 通報內容與您上傳的檔案，以及您之後補充的資訊。
front-privacy-collected-address = 送出時的連線 IP 位址，用於防止大量灌水的通報。
front-privacy-collected-cookies = 只有必要的 Cookie：登入工作階段與您選擇的語言；沒有追蹤或廣告 Cookie。
front-privacy-who-title = 誰可以看到
front-privacy-who-desk = 本中心負責處理的人員；產品漏洞通報只有漏洞協調人員可以看到。
front-privacy-who-you = 您本人：透過確認信中的查詢連結，或登入後的「我的通報」。
front-privacy-who-vendor = 產品漏洞通報：被通知的廠商可看到漏洞內容，但看不到您的姓名與聯絡方式。
front-privacy-who-referral = 需要協處時：在您選擇廠商之前，協處廠商不會得知任何關於您的資料。
front-privacy-who-shared = 技術指標（如惡意網址、IP）可能依 TLP 標示與合作單位分享以保護他人，分享內容不含您的聯絡資料。
front-privacy-kept-title = 保存多久
front-privacy-kept-reports = 通報、附件與您的聯絡資料在結案後保存 { $years } 年，期滿後刪除。
front-privacy-kept-session = 登入工作階段最長 { $hours } 小時。
front-privacy-kept-transient = 防灌水用的 IP 紀錄約 2 小時、登入失敗紀錄約 1 小時、防重複送出的紀錄 24 小時後自動刪除。
front-privacy-kept-audit = 誰在何時讀取或變更通報的稽核紀錄與通報一同保存，不能修改。
front-privacy-contact-title = 查詢、更正或停止利用
front-privacy-contact = 如需查詢、更正您的資料或停止利用，請來信：

## How to report (FAQ)
front-help-title = 如何通報與常見問題
front-help-which-q = 我應該用哪一個表單？
front-help-which-incident = 您的系統或服務發生了資安事件。
front-help-which-vulnerability = 您在產品中發現漏洞（不論是否已遭利用）。
front-help-which-phishing = 您收到或看到仿冒的訊息、郵件或網站。
front-help-account-q = 需要帳號嗎？
front-help-account-a = 不需要，任何人都可以通報。若您是會員並先登入，通報會列在貴單位名下、可在「我的通報」看到，並可累積回饋點數。
front-help-next-q = 送出之後會怎樣？
front-help-next-a = 畫面會顯示追蹤編號與專屬的進度查詢連結，同樣的內容也會寄到您填寫的電子郵件。分析人員會檢視並與您聯繫；您可隨時在進度頁面查看處理狀態並補充資訊與檔案。
front-help-status-q = 如何查詢進度？
front-help-status-a = 點選確認信中的連結，或在查詢頁面輸入追蹤編號與查詢碼。查詢碼等同密碼，請勿轉寄給他人。
front-help-twice-q = 不小心按了兩次送出或重新整理，會重複通報嗎？
front-help-twice-a = 不會。同一份表單重複送出時，您會看到第一次送出的收據，不會建立第二筆通報。
front-help-mail-q = 可以用電子郵件或電話通報嗎？
front-help-mail-a = 可以。寄到下列信箱的郵件會自動建立通報並回覆追蹤編號；緊急情況請來電（號碼在首頁與頁尾）。
front-help-points-q = 什麼是回饋點數？
front-help-points-a = 會員單位登入後的有效通報可累積點數，用於兌換本中心提供的服務與獎勵；點數與排行由會員帳號管理，不公開個人資料。
front-help-confidential-q = 我的資料會保密嗎？

## The report forms
front-form-privacy = 送出即表示您了解本中心如何處理您提供的資料：
front-form-sign-in = 您是會員嗎？先登入再通報，通報會列在貴單位名下，並可累積回饋點數。
front-form-sign-in-link = 登入
