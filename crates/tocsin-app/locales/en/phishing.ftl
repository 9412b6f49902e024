# Pages of the phishing desk: the public form, the status page's phishing part, the case
# list and case page, the monthly figures. Every id here must exist in zh-TW/phishing.ftl
# too (a test checks), and none may repeat an id of main.ftl or reports.ftl.
nav-report-phishing = Report phishing
nav-phishing = Phishing cases
nav-phishing-figures = Phishing figures

## The form
phishing-report-title = Report phishing
phishing-report-intro = No account needed. Tell us about a fake web site or a message luring people to one; we check it and ask the hosting provider or registrar to take it down.
phishing-field-urls = Phishing URLs
phishing-hint-urls = One per line. Defanged spellings are fine: hxxp://, hxxps://, [.], (.), [:], [at] and the like are read back as the address. Do not open the site to check it.
phishing-field-brand = Brand or organization impersonated
phishing-hint-brand = For example the bank, shop, government agency or delivery company the site pretends to be.
phishing-field-seen-in = Where you saw it
phishing-field-seen-at = When you saw it
phishing-hint-seen-at = To the minute, in the time zone you choose; leave empty if unsure.
phishing-field-original-message = The original message
phishing-hint-original-message = Paste the whole message with its headers if you can (in most mail programs: "show original" or "view source").
phishing-field-eml = Or upload the message (.eml)
phishing-hint-eml = Used as the original message when the box above is empty; the file is kept with your report and counts as one of its files.
phishing-field-screenshots = Screenshots and other files
phishing-hint-email = Required: your tracking number and private status link are sent here.
phishing-field-reporter-name = Your name or organization
phishing-field-reporter = Reporter
phishing-submit = Send the report
phishing-urls-defanged = URLs (defanged, so that they cannot be clicked)

## Status page and shared labels
phishing-urls-title = Reported URLs
phishing-defanged-note = URLs are shown defanged (hxxps, [.]) so that nobody opens them by accident.
phishing-field-url = URL
phishing-ascii = ASCII form
phishing-open-case = Open the case

## Desk: cases
phishing-desk-title = Phishing cases
phishing-desk-intro = One case per normalised URL; later reports of the same URL join the open case.
phishing-filter-open = Open cases (received and live)
phishing-cases-none = No cases match.
phishing-reporters = Reporters
phishing-first-reported = First reported
phishing-verified-at = Verified
phishing-notified-at = Abuse contact notified
phishing-taken-down-at = Taken down
phishing-escalated-at = Reminder sent

## Desk: one case
phishing-host = Host
phishing-domain = Registrable domain
phishing-ip = IP address
phishing-transition-none = This URL cannot change state any more.
phishing-field-evidence = Evidence or note
phishing-hint-evidence = What you saw (page title, final address, screenshots attached elsewhere); kept in the case history, never shown to reporters.
phishing-hint-tlp = How far the feeds may share this URL (TLP 2.0).
phishing-contacts-title = Abuse contacts
phishing-contacts-none = No abuse contacts yet.
phishing-contact-remove = Remove
phishing-contact-add = Add contact
phishing-field-role = Role
phishing-role-registrar = Registrar
phishing-role-hosting = Hosting provider
phishing-role-other = Other
phishing-source-manual = entered by hand
phishing-source-rdap = from RDAP
phishing-rdap-submit = RDAP look-up
phishing-rdap-hint = Looks up the abuse contacts of the domain and the IP address (answers are cached).
phishing-rdap-off = RDAP look-ups are off on this server (no bootstrap URL configured); enter the contacts by hand.
phishing-rdap-added = RDAP look-up done: { $count } new contact(s) added.
phishing-notice-title = Notice to the abuse contacts
phishing-notice-hint = Mailed to every abuse contact above, with the tracking number in the subject so that answers thread. Edit the text as needed; the URL stays defanged.
phishing-notice-submit = Send the notice
phishing-notice-unavailable = A notice can be sent once the URL is verified (or reopened).
phishing-notice-sent-to = to
phishing-reported-by = reported again in { $tracking }
phishing-reports-title = Reports naming this URL

## History
event-phishing_state = URL state change
event-phishing_notice = Notice sent
event-phishing_reported_again = Reported again
event-phishing_escalation = Reminder: notice unanswered

## Figures
phishing-figures-title = Phishing figures
phishing-figures-intro = Per month of the first report (UTC): cases opened, the time from the first report to verification and to takedown (median and 90th percentile), cases by brand and reports by where they were seen.
phishing-figures-none = No phishing cases yet.
phishing-cases = Cases
phishing-reports = Reports
phishing-to-verified = Time to verification
phishing-to-taken-down = Time to takedown
phishing-median = Median
phishing-p90 = 90th percentile
phishing-by-brand = By brand
phishing-by-seen-in = By where seen
phishing-duration = { $hours } h { $minutes } min

## Evidence
phishing-evidence-title = Evidence
phishing-evidence-hint = Notes and screenshots of what you saw, kept in the case history (never shown to reporters).
phishing-evidence-submit = Add evidence
phishing-fetch-submit = Fetch the page
phishing-fetch-hint = Fetches the URL once through the configured proxy and records its status, final address, title and a hash of the page.
phishing-fetch-off = The page fetcher is off on this server (a desk machine may have no outside network); record what you saw by hand.
phishing-fetch-final_url = final URL
phishing-fetch-title = title
phishing-fetch-sha256 = SHA-256
event-phishing_evidence = Evidence
event-phishing_fetch = Page fetched
