## Assistance referrals (協處商機)

error-referral-no-support = Only incident reports that asked for support can be referred.
error-referral-closed = This report is closed or was not taken up; it can no longer be referred.
error-referral-no-consent = The reporter has not agreed to a referral.
error-referral-state = The referral's current state does not allow this.
error-referral-no-redemption = Your organization holds no assistance-referral redemption; redeem one with points and have it approved first.
# $part: the field; $words: the words found, joined by ", "; $source: what they identify
# the reporter by (name, org, mail, phone, or several).
error-referral-identity = { $part ->
        [sector] The sector
        [incident_type] The incident type
       *[summary] The summary
    } contains “{ $words }”, which names the reporter ({ $source ->
        [name] their name
        [org] their organization's name
        [mail] their e-mail address or its domain
        [phone] their phone number
       *[several] their name, organization or contact details
    }); remove it before sending.

mail-referral-subject = Assistance referral: contacts exchanged
mail-referral-chosen-reporter = Hello,
    For report { $tracking } you chose "{ $firm }" to help you.
    Their contact: { $name } ({ $email })
    They have received your contact details too and will get in touch. Once it is done, you can rate them on your report's status page.
mail-referral-chosen-firm = Hello,
    A reporter chose your company to help with a security incident (referral { $tracking }).
    Reporter: { $name }
    E-mail: { $email }
    Phone: { $phone }
    Support needed: { $support }
    Please contact them soon and record the outcome on the assistance referrals page. Use these details for this referral only and keep them confidential.

referral-title = Assistance referrals
referral-intro = Security incidents whose reporters agreed to be referred, without their identity. Member security firms holding an approved assistance-referral redemption may accept; contacts are exchanged only once the reporter chooses a firm.
referral-none = No referrals to show.
referral-state = State
referral-state-consented = Reporter agreed; not yet offered
referral-state-offered = Offered; waiting for firms
referral-state-chosen = Reporter chose a firm
referral-state-completed = Completed
referral-state-withdrawn = Withdrawn
referral-response-accepted = Accepted; waiting for the reporter's choice
referral-response-chosen = Chosen by the reporter
referral-response-not_chosen = Not chosen
referral-sector = Sector
referral-incident-type = Incident type
referral-company-size = Company size
referral-size-micro = Micro (fewer than 10)
referral-size-small = Small (10–49)
referral-size-medium = Medium (50–249)
referral-size-large = Large (250 or more)
referral-region = Region
referral-region-north = North
referral-region-central = Central
referral-region-south = South
referral-region-east = East
referral-region-islands = Outlying islands
referral-region-abroad = Abroad
referral-summary = Support needed (no identifying details)
referral-accept = Accept
referral-accepted-by = Firms that accepted
referral-reporter-contact = Reporter's contact
referral-outcome = Outcome
referral-outcome-engaged = Engaged and helped
referral-outcome-not_engaged = Not engaged
referral-record-outcome = Record outcome
referral-rating = Rating
referral-rating-comment = Comment (optional)
referral-rate = Send rating
referral-your-rating = Your rating: { $stars } / 5
referral-desk-title = Assistance referral
referral-desk-no-consent = The reporter has not agreed to a referral.
referral-offer = Offer to member security firms
referral-withdraw = Withdraw the referral
referral-consent-title = Would you like help?
referral-consent-text = Your report says you need support. If you agree, we give a summary without your identity (sector, incident type, company size, region) to our member security firms; you choose one of the firms willing to help, and only then are contact details exchanged.
referral-consent = Agree to be referred to member security firms
referral-waiting = You agreed to be referred; we will offer it to member firms.
referral-withdrawn-reporter = The desk has withdrawn the offer to the firms for now; it may offer it again. Your report is handled as before.
referral-offered-waiting = Offered to member security firms; waiting for firms to accept.
referral-choose-title = Firms willing to help
referral-choose = Choose this firm
referral-chosen-firm = The firm you chose
referral-firm = Firm
nav-referrals = Referrals
event-referral_consent = The reporter agreed to an assistance referral
event-referral_offered = Offered to member security firms
event-referral_chosen = The reporter chose a firm
