-- Virus Check's YARA rule sets, managed by admins (`/admin/virus-check/rules`).
--
-- A set is the source text an admin uploaded under a unique name; it is stored only once
-- it compiled. The YARA engine compiles the enabled sets together (each in its own
-- namespace, named by its id, so two sets may use the same rule names) and its version is
-- a digest of the enabled sets' `sha256`: enabling, disabling or deleting a set makes
-- every stored result stale, so a file is scanned again under the new rules.

CREATE TABLE yara_rule_sets (
    id UUID PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    uploaded_by UUID REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
