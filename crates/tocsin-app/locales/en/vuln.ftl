# Pages of vulnerability coordination (the operator as a CVE Numbering Authority): the
# public form and its TXT template, the status page's vulnerability part, the coordinators'
# list and case page, the vendor's view, the CVE id pool, the public advisories. Every id
# here must exist in zh-TW/vuln.ftl too (a test checks), and none may repeat an id of
# another file (the error-* and mail-* ids of this feature are in main.ftl).
nav-report-vuln = Report a vulnerability
nav-advisories = Advisories
nav-vulnerabilities = Vulnerability cases
nav-cve-ids = CVE ids

## The form
vuln-report-title = Report a product vulnerability
vuln-report-intro = No account needed. We review the report as a CVE Numbering Authority, coordinate with the vendor and publish an advisory once a fix is out or the target date has come.
vuln-template-link = Download the TXT form
vuln-template-hint = Prefer to write offline? Fill in the TXT form and upload it below (or mail it to us): the fields you leave empty on this page are taken from it.
vuln-required-note = Fields marked * are required; each may come from the uploaded TXT form instead.
vuln-txt-field = Filled-in TXT form
vuln-txt-hint = UTF-8, UTF-16 (Windows Notepad) and Big5 are all fine. Its values fill the fields left empty below; the file is kept with your report. It may come encrypted to our OpenPGP key (gpg --armor --encrypt).
vuln-section-reporter = Reporter
vuln-section-vuln = The vulnerability
vuln-section-details = Details
vuln-section-cvss = CVSS
vuln-section-files = Screenshots, video, proof of concept
vuln-hint-date = For example 2026-11-28, 2026/11/28 or ROC 115/11/28.
vuln-hint-public-credit = If yes, the public advisory and the CVE record credit you by name and organization; if no, you are named nowhere public.
vuln-hint-type = For example arbitrary code execution, SQL injection, cross-site scripting.
vuln-hint-trigger-method = Steps or a command line; kept exactly as written.
vuln-hint-cvss-vector = For example CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (version 3.0, 3.1 or 4.0). We compute the score ourselves and show any difference from yours. Calculator:
vuln-hint-attachments = A TXT form uploaded above counts as one of the files.
vuln-version-unstated = (not stated)
vuln-submit = Send the report
vuln-field-report_date = Report date
vuln-field-reporter_name = Name
vuln-field-reporter_organization = Organization
vuln-field-reporter_email = Email
vuln-field-public_credit = May we publish your name and organization?
vuln-field-source = Source of the vulnerability information
vuln-field-source_other = Other source
vuln-field-discovered_on = Discovery date
vuln-field-product = Affected product
vuln-field-version = Version
vuln-field-vendor = Product developer / vendor
vuln-field-product_url = Product web site
vuln-field-vuln_type = Vulnerability type
vuln-field-description = Description
vuln-field-trigger_conditions = Conditions to trigger it
vuln-field-trigger_method = How to trigger it
vuln-field-evidence = Evidence
vuln-field-impact = Impact
vuln-field-cvss_vector = CVSS vector
vuln-field-cvss_claimed_score = Your CVSS score
vuln-field-cvss_named_version = CVSS version you used
vuln-field-attachments = Attachments

## CVSS
vuln-cvss-vector = CVSS vector
vuln-cvss-computed = CVSS score (computed by us)
vuln-cvss-claimed = Score stated by the reporter
vuln-cvss-named = Version stated by the reporter
vuln-cvss-warning = Please check:
vuln-cvss-score-differs = the stated score differs from the vector's base score: { $claimed } ≠ { $computed }.
vuln-cvss-version-differs = the stated CVSS version differs from the vector's: { $named } ≠ { $vector }.
vuln-cvss-unreadable-score = the stated score "{ $claimed }" is not a number from 0 to 10.
vuln-severity-none = None
vuln-severity-low = Low
vuln-severity-medium = Medium
vuln-severity-high = High
vuln-severity-critical = Critical

## Status page and shared labels
vuln-fields-title = The report
vuln-field-state = Review status
vuln-field-cve = CVE id
vuln-cve-none = Not assigned yet
vuln-field-target = Target publication date

## Coordinators: the list
vuln-desk-title = Vulnerability cases
vuln-desk-intro = Product vulnerability reports under CVE review and coordinated disclosure. Target dates are report date plus the configured days, moved off weekends and holidays.
vuln-cases-none = No cases match.

## Coordinators: one case
vuln-transition-none = This case cannot change state any more.
vuln-field-note = Note (shown to the reporter with the new state)
vuln-hint-note = The reporter sees the state change and this note on their status page. "Vendor notified" is set by sending the vendor notice below.
vuln-vendor-title = Vendor
vuln-field-vendor-org = Vendor organization
vuln-field-vendor-status = Vendor status
vuln-field-statement = Vendor statement
vuln-vendor-none = No organization of kind vendor, manufacturer or company yet: an admin adds one under Organizations.
vuln-vendor-submit = Save vendor
vuln-notify-title = Notify the vendor
vuln-notify-hint = Mailed to every user of the vendor organization, the tracking number in the subject; they can then read this case when signed in. Edit the text as needed.
vuln-notify-submit = Send the notice
vuln-notify-unavailable = Only an accepted case can be notified to its vendor.
vuln-notify-need-vendor = Choose the vendor organization first.
vuln-notice-sent-to = Sent to
vuln-cve-title = CVE id
vuln-cve-submit = Assign the next reserved CVE id
vuln-cve-hint = Takes the next id of the pool an admin loaded; an id is never given twice.
vuln-cve-unavailable = A CVE id can be assigned from acceptance until publication.
vuln-cve-record = Download the CVE record (CVE JSON 5.1)
vuln-cve-record-hint = Credits the reporter only if they agreed.
vuln-cve-container = Download the CNA container to submit (cve publish)
vuln-cve-container-hint = Not a record yet: the case is not published. Credits the reporter only if they agreed.
vuln-cve-rejected-record = Download the REJECTED CVE record (CVE JSON 5.1)
vuln-cve-english-hint = Publication needs a description in English (the CVE Program requires one).
vuln-reject-title = Reject the CVE id
vuln-reject-hint = When the case turns out not to be a vulnerability: the case becomes rejected and its CVE id gets a REJECTED record with this reason. A published case cannot be rejected here.
vuln-field-reason-en = Reason (English, required)
vuln-field-reason-zh = Reason (Traditional Chinese)
vuln-reject-submit = Reject the CVE id
vuln-advisory-title = Advisory
vuln-advisory-hint = Published at /advisories once the case is published. The CVE record tags each text with the language it is written in; publication needs a description in English (this one, or the reporter's if written in English).
vuln-field-title = Title
vuln-field-advisory-zh = Description (Traditional Chinese)
vuln-field-advisory-en = Description (English)
vuln-field-solution = Solution or mitigation
vuln-hint-target = YYYY-MM-DD; empty keeps the current date
vuln-advisory-submit = Save advisory

## The vendor's view
vuln-vendor-page-title = Vulnerability report for your product
vuln-vendor-page-intro = A CVE Numbering Authority coordinates the disclosure of this vulnerability with you. Please tell us your status and plans by replying to our mail.

## Admins: CVE ids
vuln-cve-ids-title = Reserved CVE ids
vuln-cve-ids-intro = The CVE ids reserved for this CNA; coordinators assign them to accepted cases, each id at most once.
vuln-cve-ids-reserved = Available
vuln-cve-ids-assigned = Assigned
vuln-cve-ids-field = CVE ids to load
vuln-cve-ids-hint = One id per line or separated by commas, or ranges such as CVE-2026-10010 - CVE-2026-10019. Ids already loaded are skipped.
vuln-cve-ids-submit = Load ids
vuln-cve-ids-added = { $count } new ids loaded.

## Public advisories
advisories-title = Security advisories
advisories-intro = Vulnerabilities coordinated by us, published with their CVE ids.
advisories-feed = Atom feed
advisories-none = No advisories published yet.
advisory-published = Published
advisory-versions = Affected versions
advisory-cvss = CVSS base score
advisory-credit = Credit

## History
event-cna_state = Review status
event-cve_assigned = CVE id assigned
event-vendor = Vendor
event-vendor_notified = Vendor notified
event-publication_reminder = Publication reminder
event-advisory = Advisory edited
