-- The directory of other CSIRTs, and the threads the desk keeps with them about a case:
-- a forward to a team, or a request a team sent. The constituency is one JSON document
-- (countries, ccTLDs, domains, CIDRs, ASNs): the directory holds hundreds of teams, read
-- whole by the matcher, never searched by SQL. Mail from a team is recognised by its
-- address, hence the index.
CREATE TABLE teams (
    id UUID PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL DEFAULT '',
    constituency TEXT NOT NULL DEFAULT '{}',
    email TEXT NOT NULL,
    emergency_phone TEXT NOT NULL DEFAULT '',
    pgp_key TEXT NOT NULL DEFAULT '',
    pgp_fingerprint TEXT NOT NULL DEFAULT '',
    accreditation TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX teams_email ON teams (email);

-- One row a team and a case: what was forwarded (or asked of us), its state, the team's
-- ticket number once their subject shows it, the last Message-ID they wrote (answers go
-- in their thread) and when to remind them. The reminder worker reads the open ones by
-- due time.
CREATE TABLE team_threads (
    id UUID PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES reports (id),
    team_id UUID NOT NULL REFERENCES teams (id),
    direction TEXT NOT NULL CHECK (direction IN ('forward', 'request')),
    state TEXT NOT NULL,
    tlp TEXT NOT NULL,
    identity_consented BOOLEAN NOT NULL DEFAULT FALSE,
    their_ticket TEXT NOT NULL DEFAULT '',
    their_message_id TEXT NOT NULL DEFAULT '',
    our_message_id TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    remind_at BIGINT,
    reminded_at BIGINT
);
CREATE INDEX team_threads_report ON team_threads (report_id, created_at);
CREATE INDEX team_threads_remind ON team_threads (remind_at) WHERE remind_at IS NOT NULL;
