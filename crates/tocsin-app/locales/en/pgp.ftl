# OpenPGP of the desk, security.txt and the RFC 2350 description (service::pgp, web/about.rs).
# The two event-* ids are the names the report history gives these events (labels.rs
# looks events up as event-<kind>).
event-pgp_received = Received encrypted (OpenPGP), decrypted
event-pgp_received_signed = Received encrypted and signed (OpenPGP), signature verified; signer's key fingerprint
event-pgp_signed = Received signed (OpenPGP), signature verified; signer's key fingerprint
event-pgp_signed_unverified = Received signed (OpenPGP), but the signature did not verify against a key we hold for the sender

pgp-front-key = Our OpenPGP key fingerprint:
pgp-key-unreadable = This is not a readable OpenPGP public key: paste the whole "-----BEGIN PGP PUBLIC KEY BLOCK-----" block
pgp-key-other-address = None of this key's user IDs is your account's e-mail address
pgp-key-no-encryption = This key has no subkey that can encrypt
pgp-account-title = OpenPGP key
pgp-account-intro = Once you upload your OpenPGP public key, mail from us to you is encrypted (PGP/MIME), and signed mail from you is verified against it.
pgp-account-current = Current key fingerprint
pgp-account-none = No key uploaded
pgp-account-key = Public key (ASCII armor)
pgp-account-upload = Upload key
pgp-account-remove = Remove key
pgp-account-saved = Key saved
pgp-account-removed = Key removed

about-title = About us (RFC 2350)
about-intro = Our mission, constituency, policies and contacts, laid out as RFC 2350 describes.
about-document-title = Document information
about-document = The current version of this document is at
about-contact-title = Contact information
about-name = Name of the team
about-address = Address
about-phone = Telephone
about-email = E-mail
about-pgp = OpenPGP key
about-pgp-none = Not configured
about-security-txt = security.txt
about-charter-title = Charter
about-mission-title = Mission statement
about-constituency-title = Constituency
about-authority-title = Sponsorship and authority
about-policies-title = Policies
about-services-title = Services
about-forms-title = Incident reporting forms
about-disclaimer-title = Disclaimers
error-pgp-upload-no-key = This file is an encrypted OpenPGP message, but the desk has no key to open it: upload it unencrypted or mail it to us.
error-pgp-upload-unreadable = This encrypted OpenPGP message could not be opened: encrypt it to the desk's key (fingerprint on the front page, /pgp-key.asc).
