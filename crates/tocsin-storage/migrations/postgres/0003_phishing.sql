-- Phishing: one case per live URL (a report may carry several URLs; a URL reported
-- again while its case is open joins that case), abuse contacts, and an RDAP cache.

CREATE TABLE phish_urls (
    id UUID PRIMARY KEY NOT NULL,
    normalized TEXT NOT NULL,
    display TEXT NOT NULL,
    host TEXT NOT NULL,
    registrable_domain TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    brand TEXT NOT NULL,
    state TEXT NOT NULL,
    tlp TEXT NOT NULL,
    case_report_id UUID NOT NULL REFERENCES reports (id),
    reporters INTEGER NOT NULL DEFAULT 1,
    first_reported_at BIGINT NOT NULL,
    verified_at BIGINT,
    notified_at BIGINT,
    taken_down_at BIGINT,
    escalated_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX phish_urls_normalized ON phish_urls (normalized);
CREATE INDEX phish_urls_state ON phish_urls (state);
CREATE INDEX phish_urls_case ON phish_urls (case_report_id);

CREATE TABLE phish_url_reports (
    url_id UUID NOT NULL REFERENCES phish_urls (id),
    report_id UUID NOT NULL REFERENCES reports (id),
    PRIMARY KEY (url_id, report_id)
);
CREATE INDEX phish_url_reports_report ON phish_url_reports (report_id);

CREATE TABLE abuse_contacts (
    id UUID PRIMARY KEY NOT NULL,
    url_id UUID NOT NULL REFERENCES phish_urls (id),
    role TEXT NOT NULL,
    email TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX abuse_contacts_url ON abuse_contacts (url_id);

CREATE TABLE rdap_cache (
    query TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    fetched_at BIGINT NOT NULL
);
