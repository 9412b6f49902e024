# 自己的通報、廠商案件、認領、忘記密碼與變更密碼
own-kind-incident = 資安事件
own-kind-vulnerability = 通報漏洞
own-kind-phishing = 通報釣魚網址
own-field-kind = 類別
own-vendor-title = 貴單位收到的漏洞案件
own-vendor-intro = 以下是本中心已通知貴單位（作為產品廠商）的漏洞協調案件。通報者身分不會提供給廠商。
own-vendor-none = 目前沒有通知貴單位的案件。
own-vendor-product = 產品與版本
own-claim-title = 認領未登入時送出的通報
own-claim-intro = 若您在未登入時以本帳號的電子郵件送出通報，請輸入案件編號。若該通報的電子郵件與您的帳號相同，我們會寄送確認連結到該信箱；確認後通報會列在這裡，並可累積回饋點數。
own-claim-submit = 寄送確認連結
own-claim-sent = 已受理。若該通報是以您帳號的電子郵件送出，確認連結已寄到該信箱。
own-claim-done = 通報 { $tracking } 已歸入您的帳號。
own-claim-confirm-intro = 請確認要將這筆通報歸入目前登入的帳號。
own-claim-confirm = 確認認領
own-claim-sign-in = 請先以收到此信的帳號登入，再重新開啟信中的連結。
own-mail-claim-subject = 認領通報 { $tracking }
own-mail-claim-body = 有人以您的帳號要求認領通報 { $tracking }。若是您本人，請登入後於 { $days } 天內開啟以下連結並確認（連結僅能使用一次）：
    { $link }
    若不是您，請忽略這封信。
own-mail-forgot-body = 我們收到為此帳號重設密碼的要求。請於 { $days } 天內開啟以下連結設定新密碼（連結僅能使用一次）：
    { $link }
    若不是您提出的要求，請忽略這封信，您的密碼不會改變。
own-forgot-link = 忘記密碼？
own-forgot-title = 忘記密碼
own-forgot-intro = 請輸入帳號的電子郵件，我們會寄送設定新密碼的一次性連結。
own-forgot-submit = 寄送連結
own-forgot-sent = 若這個電子郵件有帳號，設定新密碼的連結已寄出。請查看信箱。
own-password-title = 變更密碼
own-password-current = 目前的密碼
own-password-submit = 變更密碼
