-- TAXII: one stored copy of each object version per collection. An object that several
-- records carry (the publisher's identity, an address two reports name) was stored once
-- per record, so a collection listed it several times (duplicate ids with one version);
-- now it is stored once per (collection, STIX id, version) and `taxii_object_records`
-- links it to every record it belongs to: a reader sees it when they may read any of
-- those records. `record_id` stays as the record it was first stored with, NULL for the
-- constant objects every reader of the collection sees.
-- SQLite cannot drop a table constraint, so the table is rebuilt: of each version the
-- first stored row is kept (constant when any copy was), and every copy's record linked.

CREATE TABLE taxii_objects_once (
    id BLOB PRIMARY KEY NOT NULL,
    collection_id BLOB NOT NULL REFERENCES sharing_groups (id),
    record_id BLOB REFERENCES intel_records (id),
    stix_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    spec_version TEXT NOT NULL,
    date_added BIGINT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection_id, stix_id, version)
);

INSERT INTO taxii_objects_once (id, collection_id, record_id, stix_id, kind, version, spec_version, date_added, body)
SELECT o.id, o.collection_id,
       CASE WHEN EXISTS (SELECT 1 FROM taxii_objects c WHERE c.collection_id = o.collection_id
                         AND c.stix_id = o.stix_id AND c.version = o.version AND c.record_id IS NULL)
            THEN NULL ELSE o.record_id END,
       o.stix_id, o.kind, o.version, o.spec_version, o.date_added, o.body
FROM taxii_objects o
WHERE o.id = (SELECT MIN(d.id) FROM taxii_objects d WHERE d.collection_id = o.collection_id
              AND d.stix_id = o.stix_id AND d.version = o.version);

CREATE TABLE taxii_object_records (
    object_id BLOB NOT NULL REFERENCES taxii_objects_once (id) ON DELETE CASCADE,
    record_id BLOB NOT NULL REFERENCES intel_records (id),
    PRIMARY KEY (object_id, record_id)
);

INSERT INTO taxii_object_records (object_id, record_id)
SELECT DISTINCT k.id, o.record_id
FROM taxii_objects o JOIN taxii_objects_once k ON k.collection_id = o.collection_id
    AND k.stix_id = o.stix_id AND k.version = o.version
WHERE o.record_id IS NOT NULL;

DROP TABLE taxii_objects;
ALTER TABLE taxii_objects_once RENAME TO taxii_objects;
CREATE INDEX taxii_objects_page ON taxii_objects (collection_id, date_added, id);
CREATE INDEX taxii_objects_record ON taxii_objects (record_id);
CREATE INDEX taxii_object_records_record ON taxii_object_records (record_id);
