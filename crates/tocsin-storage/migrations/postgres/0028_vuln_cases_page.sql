-- The coordinators' list pages by keyset, newest first: a state's cases are read as one
-- range of this index from the last case of the previous page on (the primary key serves
-- the list of every state). It replaces the index by state alone, whose rows did not
-- carry the report id in order on PostgreSQL.
CREATE INDEX vuln_cases_state_report ON vuln_cases (cna_state, report_id);
DROP INDEX vuln_cases_state;
