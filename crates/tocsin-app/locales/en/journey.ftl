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

## Time zones by name (`tz-` + the IANA name, lower case, `/` and `_` as `-`)
tz-asia-taipei = Taipei time
tz-utc = UTC
tz-etc-utc = UTC
tz-asia-tokyo = Tokyo time
tz-asia-hong-kong = Hong Kong time
tz-asia-singapore = Singapore time

## Audit log: actions and target kinds by key (`audit-act-`/`audit-kind-` + key, `.`/`_` as `-`); actors
audit-act-access-denied = Access denied
audit-act-attachment-read = Attachment read
audit-act-audit-read = Audit log read
audit-act-auth-login = Sign-in
audit-act-auth-login-failed = Failed sign-in
audit-act-auth-login-throttled = Sign-in throttled
audit-act-auth-logout = Sign-out
audit-act-cve-load = CVE ids loaded
audit-act-feed-read = Phishing feed read
audit-act-group-create = Sharing group created
audit-act-group-member = Group membership changed
audit-act-intel-create = Intel created
audit-act-intel-export = Intel exported
audit-act-intel-import = Intel imported
audit-act-intel-list = Intel listed
audit-act-intel-read = Intel read
audit-act-intel-share = Intel shared
audit-act-intel-update = Intel updated
audit-act-mail-list = Inbound mail listed
audit-act-mail-read = Inbound mail read
audit-act-mail-receive = Mail received
audit-act-org-create = Organization created
audit-act-org-update = Organization updated
audit-act-phishing-contact = Abuse contact set
audit-act-phishing-contact-removed = Abuse contact removed
audit-act-phishing-evidence = Phishing evidence saved
audit-act-phishing-fetch = Phishing page fetched
audit-act-phishing-notify = Abuse notice sent
audit-act-phishing-rdap = RDAP looked up
audit-act-phishing-read = Phishing case read
audit-act-phishing-transition = URL state changed
audit-act-points-adjust = Points adjusted
audit-act-points-decide = Redemption decided
audit-act-points-leaderboard = Leaderboard read
audit-act-points-redeem = Redemption requested
audit-act-referral-accept = Referral accepted
audit-act-referral-choose = Firm chosen
audit-act-referral-consent = Referral consent given
audit-act-referral-list = Referrals listed
audit-act-referral-offer = Referral offered
audit-act-referral-outcome = Referral outcome recorded
audit-act-referral-rate = Firm rated
audit-act-referral-withdraw = Referral withdrawn
audit-act-report-assign = Report assigned
audit-act-report-claim = Report claimed
audit-act-report-claim-requested = Report claim requested
audit-act-report-classify = Report classified
audit-act-report-create = Report filed
audit-act-report-message = Message to the reporter
audit-act-report-read = Report read
audit-act-report-reporter-info = Reporter added information
audit-act-report-task = Task updated
audit-act-report-transition = Report state changed
audit-act-setup-first-admin = First administrator created
audit-act-survey-answer = Survey answered
audit-act-taxii-delete = TAXII objects deleted
audit-act-taxii-post = TAXII objects added
audit-act-token-create = API token created
audit-act-token-revoke = API token revoked
audit-act-user-create = User created
audit-act-user-password-change = Password changed
audit-act-user-password-forgot = Password reset requested
audit-act-user-password-link = Password link sent
audit-act-user-password-set = Password set
audit-act-user-update = User updated
audit-act-vuln-advisory = Advisory edited
audit-act-vuln-assign-cve = CVE id assigned
audit-act-vuln-notify-vendor = Vendor notified
audit-act-vuln-read = Vulnerability case read
audit-act-vuln-reject-cve = CVE id rejected
audit-act-vuln-transition = Vulnerability case state changed
audit-act-vuln-vendor = Vendor set
audit-act-vuln-vendor-list = Vendor listed its cases
audit-kind-api-token = API token
audit-kind-audit-log = Audit log
audit-kind-inbound-mail = Inbound mail
audit-kind-intel = Intel
audit-kind-leaderboard = Leaderboard
audit-kind-metrics = Metrics
audit-kind-organization = Organization
audit-kind-outbox = Outbox
audit-kind-phishing-feed = Phishing feed
audit-kind-points-account = Points account
audit-kind-points-catalog = Points catalog
audit-kind-referral = Referral
audit-kind-report = Report
audit-kind-sharing-group = Sharing group
audit-kind-statistics = Statistics
audit-kind-taxii-collection = TAXII collection
audit-kind-user = User
audit-kind-phishing-case = Phishing case
audit-kind-vuln-case = Vulnerability case
audit-kind-attachment = Attachment
audit-kind-session = Session
actor-system = System
actor-anonymous = Anonymous visitor
actor-cli = Console
audit-kind-cve-ids = CVE id pool

## Monthly figures follow the desk's clock
surveys-intro-zoned = Answers per month and the average of each question (1–5), by the month of the answer ({ $zone }).
phishing-figures-intro-zoned = Per month of the first report ({ $zone }): cases opened, the time from the first report to verification and to takedown (median and 90th percentile), cases by brand and reports by where they were seen.

## Why a CVE id list was refused (the line, then what is wrong there)
error-cve-list-empty = The list holds no CVE id.
error-cve-list-syntax = Line { $line }: “{ $text }” is not a CVE id (CVE-YYYY-NNNN).
error-cve-list-year = Line { $line }: “{ $text }”: the year must be from 1999 to 9999.
error-cve-list-short = Line { $line }: “{ $text }”: the sequence needs at least 4 digits.
error-cve-list-leading-zero = Line { $line }: “{ $text }”: a sequence of more than 4 digits must not start with 0.
error-cve-list-too-long = Line { $line }: “{ $text }”: the sequence has more than 19 digits.
error-cve-list-backwards = Line { $line }: the range { $from }..{ $to } ends before it starts.
error-cve-list-years = Line { $line }: the range { $from }..{ $to } spans more than one year.
error-cve-list-range = Line { $line }: the range { $from }..{ $to } holds { $count } ids, more than { $max }.
error-cve-list-too-many = Line { $line }: more than { $max } ids in all.

## Waiting on the reporter
staffhome-waiting-reporter = Waiting on the reporter (over 2 working days)
desk-waiting-only = Only those waiting on the reporter

## Vulnerability cases: messages to the researcher
vuln-message-title = Message to the researcher
vuln-message-hint = The message is mailed to the researcher and shown on their status page.

## The audit log: a reporter reading by the status link
actor-reporter-link = Reporter (status link)

## Vulnerability cases: timers by state, and duplicate-of links
vuln-sla-state = Time limit of this state
vuln-sla-none = No timer in this state
vuln-breached-only = Only cases past their time limit
vuln-duplicate-title = Duplicate
vuln-duplicate-of = This case duplicates:
vuln-duplicates = Duplicates of this case:
vuln-duplicate-field = Original case's tracking number
vuln-duplicate-hint = leave empty to remove the mark
vuln-duplicate-submit = Save duplicate mark
error-duplicate-cycle = This would make a cycle: the original is already (directly or not) marked a duplicate of this case.
event-duplicate_of = Duplicate mark
audit-act-vuln-duplicate-of = Vulnerability case marked duplicate

## The account's phone (prefills the report forms)
account-phone-title = Phone
account-phone-hint = optional; report forms start with it
account-phone-submit = Save phone
audit-act-user-phone = Phone changed
