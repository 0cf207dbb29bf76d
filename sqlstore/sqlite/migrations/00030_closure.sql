-- +goose Up
-- Closure requests (DESIGN.md §2), their history, and the hashed verification secrets (§7).

CREATE TABLE closures (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    policy       TEXT NOT NULL,
    policy_json  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('started','agreement','eligibility','rights','verification',
                  'email_confirmation','review','cooling_off','closed','failed','cancelled','expired')),
    factors      TEXT NOT NULL DEFAULT '[]',
    blockers     TEXT NOT NULL DEFAULT '[]',
    submitted    INTEGER NOT NULL DEFAULT 0 CHECK (submitted IN (0,1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    deadline     INTEGER NOT NULL,
    cooling_ends INTEGER NOT NULL DEFAULT 0,
    closed_at    INTEGER NOT NULL DEFAULT 0,
    certificate  TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);
-- One open request per account: a second "start" finds the first.
CREATE UNIQUE INDEX closures_one_open ON closures (account_id)
    WHERE state NOT IN ('closed','failed','cancelled','expired');
CREATE INDEX closures_account ON closures (account_id, created_at);
CREATE INDEX closures_deadline ON closures (state, deadline);
CREATE INDEX closures_cooling ON closures (state, cooling_ends);

CREATE TABLE closure_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    closure_id TEXT NOT NULL REFERENCES closures (id),
    at         INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX closure_events_closure ON closure_events (closure_id, id);

CREATE TABLE otp_codes (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    purpose    TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('sms','email')),
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_codes_latest ON otp_codes (account_id, purpose, channel, created_at);

CREATE TABLE captchas (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL DEFAULT '',
    answer_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE email_links (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    purpose    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE email_links;
DROP TABLE captchas;
DROP TABLE otp_codes;
DROP TABLE closure_events;
DROP TABLE closures;
