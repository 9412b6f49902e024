-- One message may be delivered for several recipients (the same bytes to incident@ and
-- phishing@, one MTA delivery each): the message is stored once, and each delivery keeps
-- its own recipient, route and outcome. A retried delivery (same message, same recipient)
-- is the same row. The message keeps the envelope of the delivery whose bytes it stores.

CREATE TABLE inbound_deliveries (
    id BLOB PRIMARY KEY NOT NULL,
    mail_id BLOB NOT NULL REFERENCES inbound_mail (id),
    recipient TEXT NOT NULL DEFAULT '',
    envelope_sender TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    route TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    UNIQUE (mail_id, recipient)
);
CREATE INDEX inbound_deliveries_status ON inbound_deliveries (status, received_at);

INSERT INTO inbound_deliveries (id, mail_id, recipient, envelope_sender, received_at, route, status, reason, target)
SELECT id, id, lower(recipient), envelope_sender, received_at, route, status, reason, target FROM inbound_mail;

DROP INDEX inbound_mail_status;
ALTER TABLE inbound_mail DROP COLUMN route;
ALTER TABLE inbound_mail DROP COLUMN status;
ALTER TABLE inbound_mail DROP COLUMN reason;
ALTER TABLE inbound_mail DROP COLUMN target;
