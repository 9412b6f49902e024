-- Reports of every kind (incident now; vulnerability and phishing reuse the reporter path),
-- their history and messages, attachments, SOP tasks and satisfaction surveys.

CREATE TABLE reports (
    id UUID PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    tracking_id TEXT NOT NULL,
    status_token_hash BYTEA NOT NULL,
    state TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    reporter_name TEXT NOT NULL,
    reporter_email TEXT NOT NULL,
    reporter_phone TEXT NOT NULL DEFAULT '',
    reporter_user_id UUID REFERENCES users (id),
    org_id UUID REFERENCES organizations (id),
    locale TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    details TEXT NOT NULL,
    assignee_id UUID REFERENCES users (id),
    rsit_class TEXT NOT NULL DEFAULT '',
    rsit_type TEXT NOT NULL DEFAULT '',
    follows_up TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT NOT NULL DEFAULT '',
    rejection_reason TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    first_response_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reports_tracking ON reports (tracking_id);
CREATE INDEX reports_queue ON reports (kind, state, reported_at);
CREATE INDEX reports_org ON reports (org_id);
CREATE INDEX reports_reporter ON reports (reporter_user_id);
CREATE INDEX reports_assignee ON reports (assignee_id);

-- Everything that happens to a report, in order. visibility: internal | reporter.
CREATE TABLE report_events (
    id UUID PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES reports (id),
    at BIGINT NOT NULL,
    actor_id UUID,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    visibility TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_events_report ON report_events (report_id, at);

CREATE TABLE attachments (
    id UUID PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES reports (id),
    event_id UUID REFERENCES report_events (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_report ON attachments (report_id);

CREATE TABLE report_tasks (
    id UUID PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX report_tasks_report ON report_tasks (report_id, position);

CREATE TABLE surveys (
    report_id UUID PRIMARY KEY NOT NULL REFERENCES reports (id),
    token_hash BYTEA NOT NULL,
    sent_at BIGINT NOT NULL,
    answered_at BIGINT,
    speed INTEGER,
    helpfulness INTEGER,
    communication INTEGER,
    overall INTEGER,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX surveys_token ON surveys (token_hash);

-- Rate limits shared by all instances: one row per counted event (e.g. a report accepted
-- from one address), old rows purged.
CREATE TABLE rate_events (
    id UUID PRIMARY KEY NOT NULL,
    rate_key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (rate_key, at);
