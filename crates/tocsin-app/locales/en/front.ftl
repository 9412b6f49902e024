# The front door, the privacy notice, the how-to page and the receipt (helper "front").
front-receipt-again = You had already sent this report: this is the receipt of the first submission; nothing was filed twice.
front-receipt-cvss-warnings = The CVSS details you gave disagree with what the vector computes; we go by the vector's score and will ask you if needed:

## The front door (home page)
front-lead = Found a security incident, a vulnerability or phishing? Report it here, no account needed. We answer at once by e-mail with a tracking number and a private link to follow the report.
front-report-title = Report
front-incident = Report an incident
front-incident-next = Intrusion, malware, ransomware, an outage or a data leak. You get a tracking number; an analyst contacts you according to severity and helps you handle it.
front-vulnerability = Report a vulnerability
front-vulnerability-next = A flaw you found in software or hardware. We notify the vendor, coordinate the fix and request a CVE id where needed; nothing is disclosed before publication.
front-phishing = Report phishing
front-phishing-next = Suspicious texts, mail or fake web sites. We check the URLs and ask the hosting and domain providers to take them down.
front-confidential = What you send is used only to handle and coordinate the case; your name and contact details are not given to vendors or third parties.
front-privacy-link = Privacy notice
front-lookup-title = Look up a report
front-lookup-intro = Enter the tracking number and the access code from the acknowledgment (or paste the whole status link).
front-lookup-tracking = Tracking number
front-lookup-token = Access code (or status link)
front-lookup-hint = The access code is in the acknowledgment mail and on the receipt page; do not share it.
front-lookup-submit = Look up
front-lookup-refused = Enter a tracking number (e.g. INC-2026-000001) and the access code from the acknowledgment.
front-channels-title = Other ways to report
front-channels-hint = When you report by mail, say when it happened, which systems are affected and how to reach you; you get a tracking number back as well.
front-mail-route-incident = Incidents (e-mail)
front-mail-route-vulnerability = Vulnerabilities (e-mail)
front-mail-route-phishing = Phishing (e-mail; forward the suspicious mail)
front-mail-general = E-mail
front-phone = Phone
front-advisories-title = Latest advisories
front-advisories-all = All advisories
front-more-title = More
front-help-link = How to report, and questions
front-points-link = Members' reward points
front-login-link = Sign in (reports are listed under your organization and earn points)

## The privacy notice
front-privacy-title = Privacy notice
front-privacy-intro = This notice says what we collect when you report, who sees it and how long it is kept.
front-privacy-collected-title = What we collect
front-privacy-collected-contact = The contact details you give: your name or organization, e-mail, phone (optional).
front-privacy-collected-report = The report, the files you upload and what you add later.
front-privacy-collected-address = The network address you send from, to stop floods of reports.
front-privacy-collected-cookies = Only necessary cookies: the sign-in session and your language; no tracking or advertising cookies.
front-privacy-who-title = Who sees it
front-privacy-who-desk = Our staff handling the report; vulnerability reports only the vulnerability coordinators.
front-privacy-who-you = You: through the link in the acknowledgment, or under "My reports" when signed in.
front-privacy-who-vendor = Vulnerability reports: the notified vendor sees the vulnerability, never your name or contact details.
front-privacy-who-referral = Assistance referrals: a firm learns nothing about you until you choose it.
front-privacy-who-shared = Technical indicators (malicious URLs, addresses) may be shared with partner teams under TLP markings to protect others, never with your contact details.
front-privacy-kept-title = How long it is kept
front-privacy-kept-reports = Reports, their files and your contact details are kept for { $years } years after the report is closed, then deleted.
front-privacy-kept-session = A sign-in session lasts at most { $hours } hours.
front-privacy-kept-transient = Addresses kept against floods go after about 2 hours, failed sign-ins after about an hour, and the records that stop double submissions after 24 hours.
front-privacy-kept-audit = The audit record of who read or changed a report when is kept with the report and cannot be altered.
front-privacy-contact-title = Questions, corrections, objections
front-privacy-contact = To see or correct your data, or to object to its use, write to:

## How to report (FAQ)
front-help-title = How to report, and questions
front-help-which-q = Which form should I use?
front-help-which-incident = something happened to your systems or services.
front-help-which-vulnerability = you found a flaw in a product (exploited or not).
front-help-which-phishing = you received or saw a fake message, mail or web site.
front-help-account-q = Do I need an account?
front-help-account-a = No, anyone can report. Members who sign in first have the report listed under their organization, see it under "My reports" and earn reward points.
front-help-next-q = What happens after I send it?
front-help-next-a = You see the tracking number and a private status link, and get the same by e-mail. An analyst reviews the report and contacts you; on the status page you can follow it and add information and files at any time.
front-help-status-q = How do I follow my report?
front-help-status-a = Open the link in the acknowledgment, or enter the tracking number and access code on the look-up page. The access code works like a password: do not forward it.
front-help-twice-q = I clicked send twice, or reloaded: is the report filed twice?
front-help-twice-a = No. The same form sent again shows the receipt of the first submission and files nothing new.
front-help-mail-q = Can I report by mail or phone?
front-help-mail-a = Yes. Mail to the addresses below opens a report and is answered with a tracking number; in an emergency call us (the number is on the home page and at the foot of every page).
front-help-points-q = What are reward points?
front-help-points-a = Valid reports by signed-in members earn points for their organization, redeemable for our services and rewards; points and rankings are kept with member accounts and show no personal data.
front-help-confidential-q = Is what I send kept confidential?

## The report forms
front-form-privacy = By sending you acknowledge how we handle what you give us:
front-form-sign-in = Are you a member? Sign in before reporting: the report is listed under your organization and earns reward points.
front-form-sign-in-link = Sign in
