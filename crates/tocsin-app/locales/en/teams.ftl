## Other CSIRTs: the team directory, forwards and threads

team-error-country = Use the two-letter ISO country code (e.g. JP).
team-error-cidr = One of the IP ranges is not a CIDR range (e.g. 192.0.2.0/24).
team-error-key = This is not an armored OpenPGP public key.
# $actual: the key's own fingerprint
team-error-fingerprint = The fingerprint is not the key's; the key's fingerprint is { $actual }.
# $reason: why the file could not be read
team-error-file = The directory file could not be read: { $reason }
team-error-target = Enter an IP address, a domain or a URL.

team-title = CSIRT directory
team-intro = Other response teams the desk forwards cases to, and whose mail opens cases marked as theirs.
team-name = Team
team-country = Country (ISO code)
team-email = Contact e-mail
team-emergency-phone = Emergency phone
team-pgp-key = OpenPGP public key (armored)
team-pgp-fingerprint = OpenPGP fingerprint
team-accreditation = Accreditation or listing
team-language = Language to write in
team-notes = Notes
team-countries = Constituency: countries
team-cctlds = Constituency: ccTLDs
team-domains = Constituency: domains
team-cidrs = Constituency: IP ranges (CIDR)
team-asns = Constituency: ASNs
team-list-hint = One per line, or separated by commas.
team-save = Save team
team-saved = The team was saved.
team-none = No team in the directory yet.
team-import = Load a directory file
team-import-hint = A JSON file from FIRST's teams API or a Trusted Introducer team export. Teams already listed (by name) are updated.
team-import-file = Directory file
team-import-button = Load
# $created, $updated, $refused: counts
team-imported = Loaded: { $created } added, { $updated } updated, { $refused } left out.
team-export = Export
team-export-first = as FIRST's teams shape
team-export-ti = as Trusted Introducer's shape
team-suggest = Which team answers for…
team-suggest-hint = An IP address, a domain or a URL.
team-suggest-button = Find
# $team: the team; $how: how it matched
team-suggested = { $team } (matched by { $how ->
        [cidr] IP range
        [domain] domain
        [cctld] ccTLD
       *[country] country of the network
    })
team-suggest-none = No team of the directory answers for it.

fwd-error-tlp = Choose the TLP of the forward.
fwd-error-team = Choose at least one team of the directory.
fwd-error-attachment = This file cannot go with a forward at this TLP.
fwd-error-state = The forward's current state does not allow this.

fwd-title = Forwards to other teams
fwd-teams = Teams
fwd-tlp = TLP of the forward
fwd-consent = The reporter agreed to have their identity passed on
fwd-attachments = Evidence files to attach
fwd-note = Note to the team
fwd-button = Forward
fwd-none = Not forwarded to any team.
fwd-direction-forward = Forwarded by us
fwd-direction-request = Request from the team
fwd-their-ticket = Their ticket
fwd-state = State
fwd-state-sent = sent
fwd-state-acknowledged = acknowledged
fwd-state-resolved = resolved
fwd-state-no_answer = no answer
fwd-set-state = Change
fwd-answer = Answer in their thread
fwd-answer-button = Send answer

fwd-kind-incident = Security incident
fwd-kind-vulnerability = Vulnerability
fwd-kind-phishing = Phishing
fwd-label-product = Product
fwd-label-category = Category
fwd-label-indicators = Indicators (defanged)
fwd-label-description = Description
fwd-reporter-withheld = The reporter's identity is withheld.
fwd-reporter = Reporter (who agreed to be named to you): { $name } <{ $email }> { $phone }

# $kind: the kind of case; $tracking: our reference
fwd-subject = { $kind } for your constituency
fwd-body = Dear { $team },

    We received a report that concerns your constituency and forward it for your action.
    Our reference: { $tracking } ({ $kind }). Please keep it in the subject of your answers.
    This message is { $tlp }: share it only as that label allows.

    { $case }
    { $reporter }

    { $note }

    Best regards,
    { $operator }
fwd-answer-subject = About our reference { $tracking }
fwd-reminder-subject = Reminder: our forward { $tracking }
fwd-reminder-body = Dear { $team },

    We have not yet heard from you about our forward { $tracking }. Could you let us know whether you received it and whether you are handling it?

    Best regards,
    { $operator }

event-team_forward = Forwarded to a team
event-team_reply = Answer from a team
event-team_request = Request from a team
event-team_answer = Answer to a team
