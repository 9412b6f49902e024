-- Leaner intel indexes on SQLite, so that a bulk import writes few pages per batch:
--
-- * The full-text index keeps no copy of its text (contentless, with deletes, so a
--   record's tokens can still be replaced) and no token positions (detail=none): a
--   record's tokens are a set, every query token must be present and the caller confirms
--   the exact substring, so positions were never read. The tokens arrive folded and
--   separated by spaces (`search::index_string`), so the ascii tokenizer, which only
--   splits on ASCII separators and leaves every other character alone, indexes them as
--   they are. Postings are gathered in memory up to 16 MiB (not 1 MiB) before they are
--   written as a segment, so a batch of an import becomes one segment; and segments are
--   merged when 16 (not 4) are on one level, which rewrites each posting less often at
--   the price of a few more segments for a query to look into.
-- * Indicator values are found through a second such index (`intel_obs_fts`, one row per
--   record, its rowid the record's seq) instead of a b-tree on (kind, value): values are
--   random, so every batch of an import dirtied most pages of that b-tree, while the
--   full-text index writes each batch as a new segment and merges segments in the
--   background. A value's token is the hex of its first 48 bytes; a lookup confirms the
--   exact value in `intel_observables`.
-- * Indicators live in their primary key's b-tree (WITHOUT ROWID) instead of a rowid
--   table plus a second copy of the key.
-- * The indexes of a record's owner, author, answered record and dispatch number hold
--   only the records that have one (imported drafts have none of them).

CREATE VIRTUAL TABLE intel_fts_lean USING fts5 (
    tokens,
    tokenize = 'ascii',
    content = '',
    contentless_delete = 1,
    detail = none
);
INSERT INTO intel_fts_lean (rowid, tokens) SELECT rowid, tokens FROM intel_fts;
DROP TABLE intel_fts;
ALTER TABLE intel_fts_lean RENAME TO intel_fts;
INSERT INTO intel_fts (intel_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO intel_fts (intel_fts, rank) VALUES ('automerge', 16);

CREATE TABLE intel_observables_lean (
    record_id BLOB NOT NULL REFERENCES intel_records (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (record_id, kind, value)
) WITHOUT ROWID;
INSERT INTO intel_observables_lean (record_id, kind, value, origin)
    SELECT record_id, kind, value, origin FROM intel_observables;
DROP TABLE intel_observables;
ALTER TABLE intel_observables_lean RENAME TO intel_observables;

CREATE VIRTUAL TABLE intel_obs_fts USING fts5 (
    tokens,
    tokenize = 'ascii',
    content = '',
    contentless_delete = 1,
    detail = none
);
INSERT INTO intel_obs_fts (intel_obs_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO intel_obs_fts (intel_obs_fts, rank) VALUES ('automerge', 16);
INSERT INTO intel_obs_fts (rowid, tokens)
    SELECT r.seq, group_concat(hex(substr(CAST(o.value AS BLOB), 1, 48)), ' ')
    FROM intel_observables o JOIN intel_records r ON r.id = o.record_id
    GROUP BY r.seq;

DROP INDEX intel_records_owner;
DROP INDEX intel_records_author;
DROP INDEX intel_records_answers;
DROP INDEX intel_records_dispatch;
CREATE INDEX intel_records_owner ON intel_records (owner_org_id) WHERE owner_org_id IS NOT NULL;
CREATE INDEX intel_records_author ON intel_records (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX intel_records_answers ON intel_records (answers_id) WHERE answers_id IS NOT NULL;
CREATE INDEX intel_records_dispatch ON intel_records (dispatch_id) WHERE dispatch_id <> '';
