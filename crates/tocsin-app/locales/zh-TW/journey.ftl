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
