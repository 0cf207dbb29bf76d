-- +goose Up
-- The notification outbox and the hash-chained audit log.

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL CHECK (channel IN ('email','sms','webhook')),
    recipient       TEXT NOT NULL,
    template        TEXT NOT NULL,
    language        TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    data            TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);
CREATE INDEX outbox_account ON outbox (account_id);

CREATE TABLE audit_events (
    seq       BIGINT PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject, seq);

-- One row: the chain's head, locked by every append so that appends form one chain.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE outbox;
