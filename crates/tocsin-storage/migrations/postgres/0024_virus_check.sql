-- Virus Check: files people upload to be scanned, and their analyses.
--
-- `virus_files` holds what is known of a file by its SHA-256: the other hashes, size, type
-- by magic bytes, the names it was uploaded under (a JSON array), the engines' results (a
-- JSON object by engine name) and the engines' versions they were scanned under (a JSON
-- object): when a version changes, the next upload of the same file is scanned again.
-- Hashes and results are kept; the file itself is kept encrypted on disk only for
-- `virus_check.retention_days` (`stored_file` is its name there, NULL once deleted).
--
-- `virus_analyses` is one upload, and also the scan queue, claimed like the outbox: a
-- worker sets a lease (`locked_until`, `locked_by`); a worker that dies leaves the lease to
-- run out and the analysis is claimed again, so a crash loses no queued file.

CREATE TABLE virus_files (
    sha256 TEXT PRIMARY KEY NOT NULL,
    md5 TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    size BIGINT NOT NULL,
    file_type TEXT NOT NULL,
    names TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_analysed BIGINT,
    results TEXT NOT NULL DEFAULT '{}',
    engine_versions TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX virus_files_md5 ON virus_files (md5);
CREATE INDEX virus_files_sha1 ON virus_files (sha1);

CREATE TABLE virus_analyses (
    id UUID PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL REFERENCES virus_files (sha256),
    name TEXT NOT NULL,
    note TEXT NOT NULL,
    submitted_by UUID REFERENCES users (id),
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    stored_file TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    locked_by TEXT,
    completed_at BIGINT,
    last_error TEXT
);
-- The queue's claim: waiting analyses, oldest first.
CREATE INDEX virus_analyses_waiting ON virus_analyses (created_at) WHERE status <> 'completed';
-- Retention: files still on disk, by age.
CREATE INDEX virus_analyses_stored ON virus_analyses (created_at) WHERE stored_file IS NOT NULL;
CREATE INDEX virus_analyses_sha256 ON virus_analyses (sha256);
