-- OpenPGP keys users upload on their account page: mail the desk sends them is encrypted
-- to the key (PGP/MIME), and mail they send signed is verified against it. One key a
-- user; uploading another replaces it. The armored key is kept as uploaded; the
-- fingerprint is the key's, computed when it was read.

CREATE TABLE user_pgp_keys (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    armored TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
