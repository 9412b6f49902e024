-- Assistance referrals (協處商機): a reporter's consent, the desk's sanitised offer, the
-- firms that accepted it and the reporter's choice. A firm's acceptance is backed by one
-- of its approved assistance redemptions; the partial unique index lets a redemption
-- back at most one live acceptance, whatever the concurrency.

CREATE TABLE referrals (
    id BLOB PRIMARY KEY NOT NULL,
    report_id BLOB NOT NULL UNIQUE REFERENCES reports (id),
    state TEXT NOT NULL,
    consented_at BIGINT NOT NULL,
    offered_at BIGINT,
    offered_by BLOB REFERENCES users (id),
    sector TEXT NOT NULL DEFAULT '',
    incident_type TEXT NOT NULL DEFAULT '',
    company_size TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    chosen_org_id BLOB REFERENCES organizations (id),
    chosen_at BIGINT,
    outcome TEXT NOT NULL DEFAULT '',
    outcome_at BIGINT,
    rating BIGINT CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_state ON referrals (state, updated_at);

CREATE TABLE referral_responses (
    id BLOB PRIMARY KEY NOT NULL,
    referral_id BLOB NOT NULL REFERENCES referrals (id),
    org_id BLOB NOT NULL REFERENCES organizations (id),
    redemption_id BLOB NOT NULL REFERENCES points_redemptions (id),
    accepted_by BLOB NOT NULL REFERENCES users (id),
    accepted_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    UNIQUE (referral_id, org_id)
);
CREATE UNIQUE INDEX referral_responses_redemption ON referral_responses (redemption_id) WHERE state <> 'not_chosen';
CREATE INDEX referral_responses_org ON referral_responses (org_id, accepted_at);
