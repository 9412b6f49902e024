-- Threat-intelligence sharing: sharing groups of organizations, intel records (the
-- validated 25-field record as JSON beside the columns that lists filter on), their
-- audiences, mail deliveries, extracted indicators, and the full-text index of search
-- tokens (made in Rust: Latin words, CJK unigrams and bigrams).

CREATE TABLE sharing_groups (
    id UUID PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE sharing_group_members (
    group_id UUID NOT NULL REFERENCES sharing_groups (id),
    org_id UUID NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (group_id, org_id)
);
CREATE INDEX sharing_group_members_org ON sharing_group_members (org_id);

CREATE TABLE intel_records (
    id UUID PRIMARY KEY NOT NULL,
    seq BIGSERIAL NOT NULL UNIQUE,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    tlp_floor TEXT NOT NULL,
    impact_level INTEGER,
    subject TEXT NOT NULL,
    dispatch_id TEXT NOT NULL DEFAULT '',
    published_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    owner_org_id UUID REFERENCES organizations (id),
    created_by UUID REFERENCES users (id),
    answers_id UUID REFERENCES intel_records (id),
    derived_from UUID REFERENCES intel_records (id),
    channel TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    search_tokens TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX intel_records_search ON intel_records USING GIN (search_tokens);
CREATE INDEX intel_records_published ON intel_records (status, published_at, id);
CREATE INDEX intel_records_owner ON intel_records (owner_org_id);
CREATE INDEX intel_records_author ON intel_records (created_by);
CREATE INDEX intel_records_answers ON intel_records (answers_id);
CREATE INDEX intel_records_dispatch ON intel_records (dispatch_id);

CREATE TABLE intel_audience (
    record_id UUID NOT NULL REFERENCES intel_records (id),
    kind TEXT NOT NULL,
    target_id UUID NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, kind, target_id)
);
CREATE INDEX intel_audience_target ON intel_audience (target_id, kind);

CREATE TABLE intel_deliveries (
    id UUID PRIMARY KEY NOT NULL,
    record_id UUID NOT NULL REFERENCES intel_records (id),
    user_id UUID NOT NULL REFERENCES users (id),
    email TEXT NOT NULL,
    tlp TEXT NOT NULL,
    locale TEXT NOT NULL,
    message_id TEXT NOT NULL,
    delivered_at BIGINT NOT NULL,
    UNIQUE (record_id, user_id)
);

CREATE TABLE intel_observables (
    record_id UUID NOT NULL REFERENCES intel_records (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (record_id, kind, value)
);
CREATE INDEX intel_observables_value ON intel_observables (kind, value);


ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'zh-TW';
