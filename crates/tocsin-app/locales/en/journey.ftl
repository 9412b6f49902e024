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

## Referrals
mail-referral-offered-subject = A new assistance referral is offered
mail-referral-offered-body = Hello,
    A reporter who asked for help is offered to the firms holding an assistance redemption (no one is named until the reporter chooses):
    Sector: { $sector }
    Incident: { $type }
    { $summary }
    Accept it here: { $link }
mail-referral-accepted-subject = A firm is ready to help
mail-referral-accepted-body = Hello,
    A firm has accepted to help with your report { $tracking }. Open your report's status page (the private link in our acknowledgment) to see the firms that accepted and choose one; your contact is given only to the firm you choose.

## The desk
error-tasks-open = { $count } tasks of the checklist are still open: finish them, or give a reason to close anyway.
field-close-anyway-reason = Close anyway: why (needed while checklist tasks are open)

## The staff home
staffhome-title = Needs action now
staffhome-desk-incident = Incidents
staffhome-desk-vulnerability = Vulnerabilities
staffhome-desk-phishing = Phishing
staffhome-desk-intel = Intel
staffhome-desk-mail = Mail
staffhome-desk-points = Redemptions
staffhome-new = new
staffhome-breached = past an SLA target
staffhome-mine = assigned to me
staffhome-drafts = drafts to review
staffhome-held = held for a person
staffhome-waiting = waiting for a decision

## Navigation groups (by audience)
nav-group-report = Report
nav-group-mine = Mine
nav-group-desk = Desk
nav-group-coordination = Coordination
nav-group-admin = Administration
nav-status = Track a report
nav-vendor-cases = Our products' cases
nav-account = Account
