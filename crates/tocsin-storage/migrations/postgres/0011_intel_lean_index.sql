-- Leaner intel indexes (the SQLite migration of this number also reshapes its search
-- indexes; PostgreSQL keeps its GIN and (kind, value) indexes): the indexes of a record's
-- owner, author, answered record and dispatch number hold only the records that have one
-- (imported drafts have none of them).

DROP INDEX intel_records_owner;
DROP INDEX intel_records_author;
DROP INDEX intel_records_answers;
DROP INDEX intel_records_dispatch;
CREATE INDEX intel_records_owner ON intel_records (owner_org_id) WHERE owner_org_id IS NOT NULL;
CREATE INDEX intel_records_author ON intel_records (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX intel_records_answers ON intel_records (answers_id) WHERE answers_id IS NOT NULL;
CREATE INDEX intel_records_dispatch ON intel_records (dispatch_id) WHERE dispatch_id <> '';
