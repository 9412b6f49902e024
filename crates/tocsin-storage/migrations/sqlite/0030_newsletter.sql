-- The monthly e-newsletter: its subscribers, its issues, and one row per issue and
-- subscriber it was sent to.
--
-- A subscriber is `pending` until the confirmation link (a random secret stored as its
-- SHA-256 with an expiry) is followed, then `active`, and `unsubscribed` after the
-- one-click link or too many bounces. Each issue's copy carries its own unsubscribe secret
-- (its hash in the delivery row, so the unsubscription counts against that issue); the
-- welcome mail's secret is the subscriber row's `unsubscribe_hash`.
-- Subscribers are personal data: the admin exports and erases them.
--
-- `newsletter_deliveries` makes a send resumable: a delivery row and its outbox row are
-- written in one transaction, and the primary key keeps a subscriber from getting one
-- issue twice however often a worker starts over. `bounce_key` is the VERP tag of the
-- delivery's envelope sender, so a bounce names the delivery it answers.

CREATE TABLE newsletter_subscribers (
    id BLOB PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    locale TEXT NOT NULL,
    status TEXT NOT NULL,
    confirm_hash BLOB,
    confirm_expires_at BIGINT,
    unsubscribe_hash BLOB NOT NULL,
    bounces INTEGER NOT NULL DEFAULT 0,
    unsubscribed_issue BLOB,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    unsubscribed_at BIGINT
);
CREATE UNIQUE INDEX newsletter_subscribers_email ON newsletter_subscribers (email);
CREATE INDEX newsletter_subscribers_confirm ON newsletter_subscribers (confirm_hash);
CREATE INDEX newsletter_subscribers_unsubscribe ON newsletter_subscribers (unsubscribe_hash);

CREATE TABLE newsletter_issues (
    id BLOB PRIMARY KEY NOT NULL,
    month TEXT NOT NULL,
    editorial TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE UNIQUE INDEX newsletter_issues_month ON newsletter_issues (month);

CREATE TABLE newsletter_deliveries (
    issue_id BLOB NOT NULL REFERENCES newsletter_issues (id),
    subscriber_id BLOB NOT NULL,
    outbox_id BLOB NOT NULL,
    bounce_key TEXT NOT NULL,
    unsubscribe_hash BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    bounced_at BIGINT,
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE UNIQUE INDEX newsletter_deliveries_bounce ON newsletter_deliveries (bounce_key);
CREATE INDEX newsletter_deliveries_unsubscribe ON newsletter_deliveries (unsubscribe_hash);
