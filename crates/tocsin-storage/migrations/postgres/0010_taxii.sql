-- TAXII 2.1: the STIX objects of each collection (one collection per sharing group), one
-- row per stored version with the object serialised, so that a page is one indexed query.
-- Every row belongs to the intel record it was made from (or posted with): the record's
-- TLP and audiences decide who sees the row, by the same scope as every intel listing.
-- Rows of no record are the constant objects below, visible to every reader of the
-- collection.
-- Pages are sorted and cut by (date_added, id). And the status resources of POSTs.
-- (0010: 0008 and 0009 are taken on other branches.)

CREATE TABLE taxii_objects (
    id UUID PRIMARY KEY NOT NULL,
    collection_id UUID NOT NULL REFERENCES sharing_groups (id),
    record_id UUID REFERENCES intel_records (id),
    stix_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    spec_version TEXT NOT NULL,
    date_added BIGINT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection_id, stix_id, record_id, version)
);
-- The objects of no record (the TLP marking definitions, tocsin's identity and extension
-- definition: constants that tell nothing) are stored once per collection and version.
CREATE UNIQUE INDEX taxii_objects_constant ON taxii_objects (collection_id, stix_id, version)
    WHERE record_id IS NULL;
CREATE INDEX taxii_objects_page ON taxii_objects (collection_id, date_added, id);
CREATE INDEX taxii_objects_record ON taxii_objects (record_id);

CREATE TABLE taxii_status (
    id UUID PRIMARY KEY NOT NULL,
    collection_id UUID NOT NULL REFERENCES sharing_groups (id),
    user_id UUID NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
