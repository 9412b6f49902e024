# English. Every id here must exist in zh-TW/main.ftl too (a test checks).
nav-label = Main menu
nav-home = Home
nav-login = Sign in
nav-logout = Sign out
nav-orgs = Organizations
nav-users = Users
nav-audit = Audit log
lang-other = 中文
confidentiality-promise = Everything a reporting organization tells us is kept strictly confidential and used only to handle and coordinate the incident.
contact-phone = Phone
home-title = Security reporting and intelligence sharing
home-intro = Companies and researchers report security incidents, product vulnerabilities and phishing here, and share threat intelligence with ISACs and CERTs abroad.
service-incident = Incident reporting
service-vulnerability = Product vulnerability reporting
service-phishing = Phishing reporting
service-intel = Threat-intelligence sharing
login-title = Sign in
login-submit = Sign in
setup-title = Create the first administrator
setup-intro = This is the first start. Create the platform's first administrator; this link works only once.
setup-submit = Create administrator
setup-done = The administrator was created. Please sign in.
field-email = Email
field-password = Password
field-name = Name
field-org = Organization
field-org-name = Organization name
field-sector = Sector
field-kind = Kind
field-alliance = Member of the Taiwan CERT/CSIRT alliance
field-roles = Roles
password-hint = at least 12 characters
password-optional = (optional, at least 12 characters; leave empty to set later)
org-new = New organization
org-list = Organizations
org-none = (none)
user-new = New user
user-list = Users
create = Create
disabled = disabled
filter = Filter
older = Older entries
audit-at = Time
audit-actor = Actor
audit-action = Action
audit-target = Target
audit-target-kind = Target kind
audit-target-id = Target id
audit-detail = Detail
account-title = My account
tokens-title = API tokens
token-name = Name
token-shown-once = Your new token. It is shown only this once; store it safely now:
created = Created
last-used = Last used
revoke = Revoke
revoked = Revoked
kind-company = Company
kind-manufacturer = Manufacturer
kind-security_firm = Security firm
kind-vendor = Product vendor
kind-isac = ISAC
kind-cert = CERT/CSIRT
kind-isp = Internet service provider
kind-academia = Academia
role-reporter = Reporter
role-member = Organization member
role-analyst = Analyst
role-coordinator = Coordinator
role-admin = Administrator
role-partner = Sharing partner
role-monitor = Monitoring system
err-title = The request could not be completed
err-validation = Some fields need attention.
err-unauthorized = Please sign in first.
err-forbidden = You are not allowed to do this.
err-cross_site = A request from another site was refused.
err-not_found = No such page or record.
err-conflict = This changed at the same time elsewhere, or already exists. Please reload and try again.
err-rate_limited = Too many attempts. Please try again later.
err-bad_request = The request is malformed.
err-internal = Something went wrong on our side. Please try again later.
mail-authentication = SPF / DKIM / DMARC
err-unavailable = The service is briefly unavailable (its database cannot be reached). Nothing was saved; please try again in a few seconds.
error-required = This field is required.
error-too-long = At most { $max } characters.
error-control-chars = Contains control characters that are not allowed.
error-single-line = Must be a single line: no line breaks or tabs.
error-email = This is not a valid email address.
error-password-short = The password needs at least { $min } characters.
error-choice = Please choose one of the options.
error-taken = This value is already in use.
error-login = Wrong email or password.
error-password-mismatch = The two passwords differ.
mail-account-subject = Your account was created
mail-invite-body = An account was created for you on our reporting and intelligence-sharing platform. Within { $days } days, open this link to set your password (it works once):
    { $link }
mail-account-body = An account was created for you on our reporting and intelligence-sharing platform. Sign in here:
    { $link }
password-title = Set your password
password-submit = Set password
password-done = Your password is set. Please sign in.
field-password-confirm = Password again
mail-reset-subject = Set a new password
mail-reset-body = An administrator sent you a link to set a new password. Open it within { $days } days (it works once):
    { $link }
org-edit = Edit organization
save = Save
field-disabled = Disable this account (no sign-in; sessions and tokens stop working at once)
send-password-link = Mail a link to set a new password
password-link-sent = A link to set a new password was mailed.
error-phone = A phone number may contain only digits, spaces, + - ( ) # and an extension written "ext" or "分機".
error-datetime = Enter a valid date and time, e.g. 2026-11-28 09:15.
error-future = This time is in the future.
error-time-zone = Unknown time zone.
error-tracking-number = Not a valid tracking number (e.g. INC-2026-000001).
error-too-many-files = At most { $max } files.
error-file-too-large = The file "{ $name }" is larger than { $max }.
error-transition = The report cannot move to that state from its current one.
error-duplicate-self = A report cannot duplicate itself.
error-unknown-report = No report has this tracking number.
error-score = Choose a score from 1 to 5.
mail-ack-not-taken = These attachments of your message were not taken into the report (they stay with your message, which we keep):
    { $files }
    Send them again within the limits, or through the private link above.
mail-ack-subject = Report received
mail-ack-body = Hello,
    We received your security incident report. Its tracking number is { $tracking }.
    Type: { $type }
    Discovered: { $discovered }

    Follow its progress and add information with this private link (keep it safe; do not forward it):
    { $link }

    Everything you tell us is kept strictly confidential.
mail-update-subject = Update on your report
mail-update-body = Hello,
    About your report { $tracking }, we write:

    { $message }

    Use the private link in the acknowledgment you received when reporting to follow it or add information; if you have an account, it is also at { $link } once you sign in.
mail-survey-subject = Satisfaction survey
mail-survey-body = Hello,
    Your report { $tracking } is closed. Please tell us how we did; it helps us improve:
    { $link }
error-base64 = Attachment content must be base64.
err-too_large = The upload is larger than allowed.
error-url = Line { $line }: “{ $url }” cannot be reported: { $reason ->
        [empty] it is empty
        [too-long] it is longer than 2048 characters
        [scheme] only http and https addresses can be reported
        [host] the host name is missing or is not a domain name or IP address
        [idn] the international domain name is not valid
        [port] the port is not a number from 0 to 65535
       *[invalid] it is not a valid URL
    }.
error-too-many-urls = At most { $max } URLs per report.
error-url-scheme = Only http and https addresses can be reported, not { $scheme }:.
error-url-host = The host name is missing or is not a valid domain name or IP address.
error-url-idn = The international domain name is not valid.
error-url-port = The port must be a number from 0 to 65535.
error-url-invalid = This is not a valid web address (URL).
error-no-contacts = Add at least one abuse contact first.
mail-ack-phishing-body = Hello,
    We received your phishing report. Its tracking number is { $tracking }.
    Impersonated: { $brand }
    URLs (defanged):
    { $urls }

    Follow its progress and add information with this private link (keep it safe; do not forward it):
    { $link }
mail-notice-subject = Phishing site report / 網路釣魚網站通報
mail-notice-body = Hello,
    We ({ $operator }) received reports that the following address impersonates "{ $brand }" for phishing (defanged):
    { $url }
    First reported: { $first_seen }
    Please investigate and take the site down, and reply to this mail with the outcome (keep { $tracking } in the subject).
mail-escalation-subject = Phishing notice unanswered
mail-escalation-body = The abuse notice about { $url } ({ $tracking }) has gone unanswered for { $hours } hours; consider escalating (e.g. to the registrar or the upstream provider).
error-rdap-off = RDAP look-ups are not configured (without outside network, enter contacts by hand).
error-rdap-failed = The RDAP look-up failed; try again later or enter contacts by hand.
error-fetch-off = The page fetcher is not enabled.
error-fetch-failed = The page could not be fetched.
error-fetch-private = The address points into a private network or a reserved range; it is not fetched.
error-notify-state = Only a verified or reopened case can be notified.
mail-notice-evidence = When we fetched the page: HTTP status { $status }, title "{ $title }", final URL { $final_url }, content SHA-256 { $sha256 }.
error-date = Enter a valid date, e.g. 2026-11-28, 2026/11/28 or ROC 115/11/28.
error-discovered-after-report = The discovery date cannot be after the report date.
error-form-unreadable = This field of the form could not be read: { $problem }
error-cvss = The CVSS vector is not valid: { $reason }
error-cve-missing = No CVE id is assigned yet.
error-cve-state = Only an accepted, unpublished case can get a CVE id.
error-cve-pool-empty = No reserved CVE id is left; load some first.
error-cve-list = The CVE id list is not valid: { $reason }
error-cwe = A CWE id looks like CWE-79.
error-cna-config = The CNA organization UUID (cna.org_id) is not configured.
error-cve-record = The CVE record could not be built: { $reason }
error-cve-english = The CVE Program requires a description in English: write the English description (text without Chinese characters) before publishing.
error-cve-reject-reason = This case holds a CVE id: reject it with the CVE id's rejection, which asks the reason for its record.
error-cve-reject-state = Only the CVE id of an accepted, unpublished case can be rejected.
error-stix = This is not a STIX 2.1 bundle that can be read: { $reason }
error-stix-empty = The bundle holds no report and no indicator.
error-vendor-no-users = This vendor organization has no users to notify.
mail-ack-vuln-body = Hello,
    We received your product vulnerability report. Its tracking number is { $tracking }.
    Product: { $product }
    CVSS score as we compute it: { $score }

    Follow its progress and add information with this private link (keep it safe; do not forward it):
    { $link }
mail-vendor-subject = Product vulnerability coordination
mail-vendor-body = Hello,
    We (a CVE Numbering Authority) received a report of a vulnerability in your product { $product } (version { $version }), tracking number { $tracking }, CVSS base score { $score }.
    Target publication date: { $target }
    Please sign in to see the details and tell us your status: { $link }
mail-publication-reminder-subject = Target publication date approaching
mail-publication-reminder-body = Report { $tracking } is due for publication on { $target }; its state is { $state }. Please check the vendor's fix and the advisory.
