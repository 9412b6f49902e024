-- TAXII: one stored copy of each object version per collection. An object that several
-- records carry (the publisher's identity, an address two reports name) was stored once
-- per record, so a collection listed it several times (duplicate ids with one version);
-- now it is stored once per (collection, STIX id, version) and `taxii_object_records`
-- links it to every record it belongs to: a reader sees it when they may read any of
-- those records. `record_id` stays as the record it was first stored with, NULL for the
-- constant objects every reader of the collection sees.
-- Of each version the first stored row is kept (constant when any copy was), and every
-- copy's record linked.

CREATE TABLE taxii_object_records (
    object_id UUID NOT NULL REFERENCES taxii_objects (id) ON DELETE CASCADE,
    record_id UUID NOT NULL REFERENCES intel_records (id),
    PRIMARY KEY (object_id, record_id)
);

CREATE TEMPORARY TABLE taxii_keep AS
SELECT o.id AS row_id, k.id AS kept_id, o.record_id
FROM taxii_objects o
JOIN LATERAL (SELECT d.id FROM taxii_objects d
              WHERE d.collection_id = o.collection_id AND d.stix_id = o.stix_id
              AND d.version = o.version ORDER BY d.id LIMIT 1) k ON TRUE;

INSERT INTO taxii_object_records (object_id, record_id)
SELECT DISTINCT kept_id, record_id FROM taxii_keep WHERE record_id IS NOT NULL;

UPDATE taxii_objects o SET record_id = NULL
WHERE EXISTS (SELECT 1 FROM taxii_keep c JOIN taxii_objects d ON d.id = c.row_id
              WHERE c.kept_id = o.id AND d.record_id IS NULL);

DELETE FROM taxii_objects o USING taxii_keep k WHERE k.row_id = o.id AND k.kept_id <> o.id;
DROP TABLE taxii_keep;

ALTER TABLE taxii_objects DROP CONSTRAINT taxii_objects_collection_id_stix_id_record_id_version_key;
DROP INDEX taxii_objects_constant;
ALTER TABLE taxii_objects ADD CONSTRAINT taxii_objects_version_once UNIQUE (collection_id, stix_id, version);
CREATE INDEX taxii_object_records_record ON taxii_object_records (record_id);
