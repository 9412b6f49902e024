-- A case whose CVE id is rejected keeps why and when, for its REJECTED record
-- (`rejectedReasons` must hold an English reason; the Chinese one is optional, and
-- `dateRejected` must not move on the next export).

ALTER TABLE vuln_cases ADD COLUMN rejected_reason_en TEXT NOT NULL DEFAULT '';
ALTER TABLE vuln_cases ADD COLUMN rejected_reason_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE vuln_cases ADD COLUMN rejected_at BIGINT;
