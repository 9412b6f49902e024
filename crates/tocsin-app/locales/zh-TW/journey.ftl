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
