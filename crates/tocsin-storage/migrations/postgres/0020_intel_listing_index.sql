-- The intel listing walks one index in its order (publication time, then sequence
-- number, newest first) and stops at the end of a page; keyset pages start from the last
-- row's (published_at, seq). It replaces the index by (status, published_at, id), which
-- served only a status filter: the listing filters on status as it walks.

CREATE INDEX intel_records_listing ON intel_records (published_at, seq);
DROP INDEX intel_records_published;
