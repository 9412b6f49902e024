# Intel sharing: errors of the 25-field record, sharing and mail.

field-named = { $field }: { $message }
error-intel-time = Write the time as YYYY-MM-DDThh:mm:ss+hh:mm, e.g. 2026-12-01T09:30:00+08:00.
error-intel-ana-event = An ANA (analysis) record has no event subject; leave it empty.
error-intel-impact = The impact level is a number from 1 to 4.
error-intel-ip = Entry { $entry }: not a valid IPv4 or IPv6 address.
error-intel-port = Entry { $entry }: the port must be a number from 0 to 65535.
error-intel-protocol = Entry { $entry }: the protocol is a name such as tcp, udp or http.
error-intel-direction = Entry { $entry }: the direction is source or destination.
error-intel-too-many = At most { $max } entries.
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
error-intel-shape = This value has the wrong shape (text, a list of entries, or an object, as the format says).
error-intel-txt-lines = These lines of the TXT form are not fields of the format: { $lines }.
