-- Mail intake: every message the mailgate or the IMAP poller hands over, kept whole as
-- evidence (.eml), with what intake made of it. The SHA-256 of the raw bytes makes a
-- retried delivery (the MTA's, after a lost answer) the same row.

CREATE TABLE inbound_mail (
    id UUID PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    received_at BIGINT NOT NULL,
    envelope_sender TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    route TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    from_email TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    raw BYTEA NOT NULL
);
CREATE INDEX inbound_mail_received ON inbound_mail (received_at);
CREATE INDEX inbound_mail_status ON inbound_mail (status, received_at);
CREATE INDEX outbox_message_id ON outbox (message_id);
