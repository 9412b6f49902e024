# The monthly e-newsletter and the public monthly statistics
nl-title = Monthly e-newsletter
nl-intro = Each month: the advisories we published, the month's statistics and a word from the desk. We mail a confirmation link first; nothing else is sent until you follow it, and every issue has a one-click unsubscribe link.
nl-field-locale = Language of the issues
nl-locale-zh = Traditional Chinese
nl-locale-en = English
nl-subscribe = Subscribe
nl-subscribe-sent = Thank you. If this address is not subscribed yet, a confirmation link is on its way to it.
nl-confirmed = Your subscription is confirmed. The next issue will reach you.
nl-link-invalid = This link is unknown, used or expired. You can subscribe again below.
nl-unsubscribe-title = Unsubscribe from the newsletter
nl-unsubscribe-intro = Press the button to stop receiving the monthly newsletter.
nl-unsubscribe-submit = Unsubscribe
nl-unsubscribed = You are unsubscribed. No further issue will be sent to you.
nl-unsubscribe-unknown = This link is unknown, or the address was already unsubscribed.
nl-archive = Past issues
nl-archive-none = No issue has been sent yet.
nl-issue-title = Newsletter { $month }
nl-advisories = Advisories published this month
nl-no-advisories = No advisory was published this month.
nl-statistics = The month's statistics
nl-editorial = From the desk
nl-desk-title = Newsletter issues
nl-desk-draft = Draft an issue
nl-field-month = Month (YYYY-MM, empty for last month)
nl-field-editorial = Editorial
nl-save = Save the editorial
nl-send = Send to the subscribers
nl-send-confirm = Sending cannot be undone; every active subscriber gets this issue.
nl-preview-mail = Preview as the mail
nl-status = State
nl-status-draft = Draft
nl-status-sending = Sending
nl-status-sent = Sent
nl-count-queued = Queued
nl-count-sent = Delivered
nl-count-bounced = Bounced
nl-count-unsubscribed = Unsubscribed by this issue
nl-subscribers-title = Newsletter subscribers
nl-subscribers-export = Export as JSON
nl-subscribers-erase = Erase a subscriber
nl-erased = The subscriber was erased.
nl-social = Follow us
nl-error-month = Enter a month as YYYY-MM, not in the future.
nl-error-not-draft = This issue is no longer a draft.
nl-mail-confirm-subject = Please confirm your newsletter subscription
nl-mail-confirm-body = Someone (we hope you) asked to receive our monthly newsletter at this address. To confirm, open this link within { $hours } hours:
    { $link }

    If it was not you, ignore this mail: nothing more will be sent.
nl-mail-welcome-subject = Your newsletter subscription is confirmed
nl-mail-welcome-body = Welcome. Each month's issue will reach you at this address. Past issues: { $archive }

    To unsubscribe at any time: { $link }
nl-mail-issue-subject = Monthly newsletter { $month }
nl-mail-issue-intro = The desk's newsletter for { $month }. The charts are attached as images.
nl-mail-issue-footer = Statistics on the web: { $stats }
    This issue on the web: { $archive }
    Unsubscribe (one click): { $unsubscribe }
stats-title = Statistics for { $month }
stats-intro = Counts only: nothing here names a reporter or a case. Months follow { $zone }.
stats-download-csv = Download as CSV
stats-table-key = Item
stats-table-count = Count
stats-no-data = No data
stats-cves-published = CVE records published
stats-takedown-median = Median days from report to takedown
stats-previous = Previous month
stats-chart-reports-by-kind = Reports by kind, { $month }
stats-chart-incidents-by-type = Incident reports by type, { $month }
stats-chart-phishing-by-brand = Phishing URLs by brand, { $month }
stats-chart-vulns-by-severity = Vulnerability reports by CVSS severity, { $month }
stats-chart-intel-by-category = Intel records shared by category, { $month }
stats-chart-trend = Reports over twelve months to { $month }
stats-kind-incident = Incident
stats-kind-vulnerability = Vulnerability
stats-kind-phishing = Phishing
stats-severity-none = Not scored
stats-severity-low = Low
stats-severity-medium = Medium
stats-severity-high = High
stats-severity-critical = Critical
nl-nav-desk = Newsletter
nl-saved = Saved.
