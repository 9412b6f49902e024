-- One-time links that let a signed-in user claim a report filed while signed out with
-- their mail address (so it counts as theirs, points included). Mailed to that address,
-- stored hashed, bound to the user who asked; used up by the first confirmation.
CREATE TABLE report_claims (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES reports (id),
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX report_claims_user ON report_claims (user_id);
