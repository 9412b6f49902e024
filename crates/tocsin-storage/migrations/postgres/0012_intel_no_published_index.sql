-- SQLite drops its index on (status, published_at, id) at this number (its migration says
-- why). PostgreSQL keeps it: its custom plans fold the listing's unused filters away and
-- can then use the index for a status filter.

SELECT 1;
