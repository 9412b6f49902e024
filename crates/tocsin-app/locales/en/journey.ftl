## The journey: news to reporters
event-phishing_url_news = What became of the URL
mail-phishing-news-subject = What became of the URL you reported
mail-phishing-news-body = Hello,
    About your report { $tracking }: the URL { $url } is now "{ $state }".
    { $meaning }

    Thank you for reporting it.
mail-phishing-news-verified = We confirmed it is a phishing site and are asking its hosts to take it down.
mail-phishing-news-taken_down = The site has been taken down.
mail-phishing-news-false_positive = We found it is not a phishing site, so no further action is taken on it.

## Redemptions
mail-redemption-waiting-subject = A redemption waits for your decision
mail-redemption-waiting-body = Hello,
    A member asked to redeem { $cost } points for: { $item }.
    The points are held until you approve or reject it: { $link }
mail-redemption-decided-subject = Your redemption was decided
mail-redemption-decided-body = Hello,
    Your request for { $item } was { $decision }.
    { $note }
    Your points and requests: { $link }
mail-redemption-approved = approved
mail-redemption-rejected = rejected (the held points are yours again)
