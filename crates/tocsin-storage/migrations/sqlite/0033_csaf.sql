-- CSAF 2.0 (issue 25): the settings of a published case's CSAF document, the revisions
-- released, and CSAF advisories imported from other publishers.

-- What the coordinator sets for a case's CSAF document beyond the advisory: its TLP (the
-- provider folder it is served from, and who may read it), the version that fixes it, and
-- the product's CPE name or package URL. A case without a row is TLP:CLEAR with none.
CREATE TABLE csaf_settings (
    report_id BLOB PRIMARY KEY NOT NULL REFERENCES reports (id),
    tlp TEXT NOT NULL,
    fixed_version TEXT NOT NULL,
    cpe TEXT NOT NULL,
    purl TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Each released revision with its document exactly as served: the bytes that are hashed
-- and signed never change once written. The newest revision of a case is its current
-- document; `tlp` and `path` (`{year}/{file}.json`) place it in the provider layout.
CREATE TABLE csaf_revisions (
    report_id BLOB NOT NULL REFERENCES reports (id),
    number BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    path TEXT NOT NULL,
    tracking_id TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    document TEXT NOT NULL,
    initial_release BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, number)
);
CREATE INDEX csaf_revisions_path ON csaf_revisions (path);

-- A vendor's or foreign CERT's CSAF advisory, as uploaded or fetched, linked to a case.
CREATE TABLE csaf_imports (
    id BLOB PRIMARY KEY NOT NULL,
    report_id BLOB REFERENCES reports (id),
    tracking_id TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    tlp_label TEXT NOT NULL,
    current_release TEXT NOT NULL,
    summary TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_by BLOB REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX csaf_imports_report ON csaf_imports (report_id, created_at);

-- The CVE ids and product names of an imported advisory, for search: `term` is the value
-- in lower case, matched exactly for a CVE id and as a substring for a product.
CREATE TABLE csaf_import_terms (
    import_id BLOB NOT NULL REFERENCES csaf_imports (id),
    kind TEXT NOT NULL,
    term TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX csaf_import_terms_term ON csaf_import_terms (kind, term);
CREATE INDEX csaf_import_terms_import ON csaf_import_terms (import_id);
