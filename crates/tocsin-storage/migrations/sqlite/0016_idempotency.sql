-- A report form or an API client sends an idempotency key with each submission; the
-- same key with the same content (a double click, a reload, back and resubmit) is
-- answered with the first receipt instead of a second report. The key is stored only as
-- a hash bound to the content, in the transaction that writes the report, so of two
-- concurrent submissions one commits and the other finds its row. `sealed` is the status
-- link's secret encrypted with a pad only the holder of the key and content can derive
-- (empty for additions to an existing report). Rows older than a day are purged.

CREATE TABLE idempotency_keys (
    key_hash BLOB PRIMARY KEY NOT NULL,
    report_id BLOB NOT NULL REFERENCES reports (id),
    sealed BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
