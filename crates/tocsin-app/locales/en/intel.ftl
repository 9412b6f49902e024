# Intel sharing: errors of the 25-field record, sharing and mail.

field-named = { $field }: { $message }
error-intel-time = Write the time as YYYY-MM-DDThh:mm:ss+hh:mm, e.g. 2026-12-01T09:30:00+08:00.
error-intel-ana-event = An ANA (analysis) record has no event subject; leave it empty.
error-intel-impact = The impact level is a number from 1 to 4.
error-intel-resolved-before = The event cannot be resolved before it was discovered.
error-intel-tlp-loosen = The TLP may be kept or tightened, never loosened: at least { $tlp }.
error-intel-feedback-fbi = Feedback on a record is an FBI record.
error-intel-red-named = A TLP:RED record goes to named people only, not to groups or organizations.
error-intel-informed-amber = Organizations to inform can only be named for TLP:AMBER.
error-intel-no-audience = Choose at least one group, organization or person to share with.
error-intel-observable = Line { $line }: write an indicator as "kind value", e.g. "ipv4 203.0.113.5" (kinds: ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, cve).
intel-from-incident-empty = (The report gave no description.)
mail-intel-body = Hello { $name },

    Intelligence was shared with you: "{ $subject }", at { $tlp }.
    The record is attached in the N-ISAC TXT form. Handle and pass it on only as its TLP allows.

    Read it on the platform:
    { $link }
mail-intel-body-withheld = Hello { $name },

    Intelligence was shared with you: "{ $subject }", at { $tlp }.
    At this TLP we send records only encrypted, and we have no OpenPGP key for your address: upload yours on your account page (/account) and later records come encrypted, attached.

    Read it on the platform:
    { $link }
error-intel-shape = This value has the wrong shape (text, a list of entries, or an object, as the format says).
error-intel-txt-lines = These lines of the TXT form are not fields of the format: { $lines }.
warning-intel-unreadable = Line { $line } ("{ $text }"): nothing could be read from it; the text is kept as written.
warning-intel-bad-address = Line { $line } ("{ $text }"): "{ $token }" is not a valid IP address or block.
warning-intel-bad-port = Line { $line } ("{ $text }"): "{ $token }" is not a port (0 to 65535).
warning-intel-range = Line { $line } ("{ $text }"): the range "{ $token }" is kept as text, not read as entries.
warning-intel-bad-protocol = Line { $line } ("{ $text }"): "{ $token }" is not a protocol name.
warning-intel-bad-direction = Line { $line } ("{ $text }"): "{ $token }" is neither source nor destination.
warning-intel-too-many = From line { $line } on, nothing more is read: at most { $max } entries.
