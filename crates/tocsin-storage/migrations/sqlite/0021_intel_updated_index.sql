-- IOC matching keeps an in-memory index of the indicators and, before each match, reads
-- the records changed since it last looked (`updated_at` at or after a time); this index
-- keeps that a short range read instead of a scan of every record.
CREATE INDEX intel_records_updated ON intel_records (updated_at);
