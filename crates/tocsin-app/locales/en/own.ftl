# One's own reports, a vendor's cases, claiming, forgotten and changed passwords
own-kind-incident = Incident
own-kind-vulnerability = Vulnerability
own-kind-phishing = Phishing
own-field-kind = Kind
own-vendor-title = Vulnerability cases notified to your organization
own-vendor-intro = The coordination cases we notified your organization of, as the product's vendor. The reporter's identity is not given to vendors.
own-vendor-none = No case has been notified to your organization.
own-vendor-product = Product and version
own-claim-title = Claim a report filed while signed out
own-claim-intro = If you filed a report while signed out, with this account's mail address, enter its tracking number. When the report's address is your account's, we mail a confirmation link to it; once confirmed, the report is listed here and earns points.
own-claim-submit = Mail a confirmation link
own-claim-sent = Done. If the report was filed with your account's mail address, a confirmation link is on its way there.
own-claim-done = Report { $tracking } is now in your account.
own-claim-confirm-intro = Please confirm that this report should become the signed-in account's.
own-claim-confirm = Confirm the claim
own-claim-sign-in = Please sign in with the account that asked for this mail, then open the link in it again.
own-mail-claim-subject = Claiming report { $tracking }
own-mail-claim-body = Your account asked to claim report { $tracking }. If that was you, sign in and open this link within { $days } days to confirm (it works once):
    { $link }
    If it was not you, please ignore this message.
own-mail-forgot-body = We were asked to reset this account's password. Open this link within { $days } days to set a new one (it works once):
    { $link }
    If you did not ask, please ignore this message; your password stays as it is.
own-forgot-link = Forgot your password?
own-forgot-title = Forgot password
own-forgot-intro = Enter your account's mail address and we will mail you a one-time link to set a new password.
own-forgot-submit = Mail the link
own-forgot-sent = If this address has an account, a link to set a new password is on its way. Please check your mail.
own-password-title = Change password
own-password-current = Current password
own-password-submit = Change password
