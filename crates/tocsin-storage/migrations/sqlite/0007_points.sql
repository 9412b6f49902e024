-- The reward scheme: points accounts, their immutable ledger, the catalog and
-- redemptions. The database itself keeps the promises: an award is inserted once per
-- idempotency key (rule, record); no balance, hold or stock goes below zero (CHECK);
-- ledger entries are never changed or deleted (triggers). The account's balance is a
-- cache of the sum of its entries, written in the entry's transaction and checked by
-- tests and `Store::points_ledger_check`.

CREATE TABLE points_accounts (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB REFERENCES organizations (id),
    user_id BLOB REFERENCES users (id),
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    leaderboard_opt_out BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    CHECK (held <= balance),
    CHECK ((org_id IS NULL) <> (user_id IS NULL))
);
CREATE UNIQUE INDEX points_accounts_org ON points_accounts (org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX points_accounts_user ON points_accounts (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE points_entries (
    id BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL REFERENCES points_accounts (id),
    delta BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL DEFAULT '',
    source_id TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    reason TEXT NOT NULL DEFAULT '',
    actor_id BLOB,
    actor TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE UNIQUE INDEX points_entries_key ON points_entries (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX points_entries_account ON points_entries (account_id, at);
CREATE INDEX points_entries_source ON points_entries (source_kind, source_id);
CREATE TRIGGER points_entries_no_update BEFORE UPDATE ON points_entries
BEGIN SELECT RAISE(ABORT, 'points_entries is append-only'); END;
CREATE TRIGGER points_entries_no_delete BEFORE DELETE ON points_entries
BEGIN SELECT RAISE(ABORT, 'points_entries is append-only'); END;

CREATE TABLE points_items (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    cost BIGINT NOT NULL CHECK (cost > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE points_redemptions (
    id BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL REFERENCES points_accounts (id),
    item_id BLOB NOT NULL REFERENCES points_items (id),
    cost BIGINT NOT NULL CHECK (cost > 0),
    state TEXT NOT NULL,
    requested_by BLOB REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    decided_by BLOB REFERENCES users (id),
    decided_at BIGINT,
    note TEXT NOT NULL DEFAULT '',
    entry_id BLOB REFERENCES points_entries (id)
);
CREATE INDEX points_redemptions_account ON points_redemptions (account_id, requested_at);
CREATE INDEX points_redemptions_state ON points_redemptions (state, requested_at);
