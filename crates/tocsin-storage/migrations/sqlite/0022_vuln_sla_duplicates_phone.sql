-- Vulnerability cases: when the case entered its current CNA state (its SLA timer counts
-- from then). A case's duplicate-of link is the report's `duplicate_of`, as for incidents;
-- the index finds a case's duplicates for its page. Accounts: an optional phone, so report
-- forms can be prefilled with it.

ALTER TABLE vuln_cases ADD COLUMN state_since BIGINT;
-- Existing cases: the last state change recorded in their history, or their last change.
UPDATE vuln_cases SET state_since = COALESCE(
    (SELECT MAX(e.at) FROM report_events e
     WHERE e.report_id = vuln_cases.report_id AND e.event IN ('cna_state', 'vendor_notified')),
    updated_at);
CREATE INDEX reports_duplicate_of ON reports (duplicate_of) WHERE duplicate_of <> '';

ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
