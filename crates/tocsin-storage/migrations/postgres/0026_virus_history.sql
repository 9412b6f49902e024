-- Virus Check's lists: a signed-in uploader's history (newest first) and the desk's recent
-- analyses, both read by upload time. The queue's index covers only waiting analyses.

CREATE INDEX virus_analyses_submitter ON virus_analyses (submitted_by, created_at);
CREATE INDEX virus_analyses_created ON virus_analyses (created_at);

-- Virus Check by mail: the files of one message were submitted as analyses; when they are
-- completed the sender is answered once with the verdicts (`answered_at` set in the
-- transaction that queues the answer in the outbox; `inbound_id` is the message in
-- `inbound_mail`). `files` is a JSON array of
-- {"name", "analysis"} (analysis null for a file refused, too large).
CREATE TABLE virus_mail_requests (
    id UUID PRIMARY KEY NOT NULL,
    inbound_id UUID NOT NULL,
    sender TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    files TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    answered_at BIGINT
);
CREATE INDEX virus_mail_requests_waiting ON virus_mail_requests (created_at) WHERE answered_at IS NULL;
