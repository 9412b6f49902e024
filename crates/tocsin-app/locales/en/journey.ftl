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
