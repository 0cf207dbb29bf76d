-- +goose Up
-- Registrations waiting for the code sent to their phone (issue 14). A taken phone gets a row too,
-- with the hash of a code that was never sent, so that starting and finishing a registration do
-- the same work whether the phone is free or not. No phone number in clear: a keyed hash of its own
-- purpose (not the accounts' lookup hash). A used registration is deleted and its SMS scrubbed.
CREATE TABLE registrations (
    id         TEXT PRIMARY KEY,
    phone_hash TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX registrations_latest ON registrations (phone_hash, created_at);

-- +goose Down
DROP TABLE registrations;
