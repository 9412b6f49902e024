//! tocsin-pgp against GnuPG (Debian's `gpg`, in a throw-away GNUPGHOME): what the desk
//! encrypts and signs, gpg decrypts and verifies; what gpg encrypts and signs, the desk
//! reads; gpg computes the same WKD hash.

mod gpg;
