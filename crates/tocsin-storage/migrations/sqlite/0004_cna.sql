-- CVE coordination: the CNA side of a vulnerability report, and the pool of CVE ids the
-- CNA reserved. A CVE id is assigned at most once (unique index, and the pool row moves
-- from reserved to assigned in the same transaction).

CREATE TABLE vuln_cases (
    report_id BLOB PRIMARY KEY NOT NULL REFERENCES reports (id),
    cna_state TEXT NOT NULL,
    cve_id TEXT NOT NULL DEFAULT '',
    vendor_org_id BLOB REFERENCES organizations (id),
    vendor_status TEXT NOT NULL DEFAULT 'unknown',
    vendor_statement TEXT NOT NULL DEFAULT '',
    target_publication TEXT NOT NULL DEFAULT '',
    cwe TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    solution TEXT NOT NULL DEFAULT '',
    advisory_en TEXT NOT NULL DEFAULT '',
    advisory_zh TEXT NOT NULL DEFAULT '',
    published_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX vuln_cases_cve ON vuln_cases (cve_id) WHERE cve_id <> '';
CREATE INDEX vuln_cases_state ON vuln_cases (cna_state);
CREATE INDEX vuln_cases_vendor ON vuln_cases (vendor_org_id);

CREATE TABLE cve_ids (
    cve_id TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    state TEXT NOT NULL,
    report_id BLOB REFERENCES reports (id),
    loaded_at BIGINT NOT NULL,
    assigned_at BIGINT
);
CREATE INDEX cve_ids_free ON cve_ids (state, year, seq);
