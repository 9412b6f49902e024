-- The intel listing (the desk, the inboxes, the API) walks one index in its order
-- (publication time, then sequence number, newest first) and stops at the end of a page,
-- so a page costs about what it shows at any depth and in a table of any size: keyset
-- pages start from the last row's (published_at, seq). Before, every page scanned and
-- sorted the whole table.
--
-- The index holds only those two numbers (about 20 bytes a record), so a bulk import
-- whose publication times are spread over years dirties as few of its pages per batch as
-- an index by time can (migration 0012 dropped a wider one, by status, time and id, for
-- what it cost an import).

CREATE INDEX intel_records_listing ON intel_records (published_at, seq);
