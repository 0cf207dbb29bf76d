-- +goose Up
-- AP-9: rebinding instead of closing. A phone release is asked by whoever holds a (recycled)
-- phone number still bound to an older account: it starts from an SMS code to the phone, and after
-- a waiting period without objection from the older holder the number is unbound from that
-- account. No number in clear: the phone's lookup hash only. account_id is '' for a free number
-- (the same row is written either way, so the answer tells nothing).
CREATE TABLE phone_releases (
    id              TEXT PRIMARY KEY,
    phone_hash      TEXT NOT NULL,
    account_id      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('code_sent','waiting','released','objected','expired')),
    code_hash       TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    code_expires_at BIGINT NOT NULL,
    token_hash      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    due_at          BIGINT NOT NULL DEFAULT 0,
    ended_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX phone_releases_phone ON phone_releases (phone_hash, created_at);
CREATE INDEX phone_releases_account ON phone_releases (account_id, status);
CREATE INDEX phone_releases_due ON phone_releases (status, due_at);
CREATE INDEX phone_releases_token ON phone_releases (token_hash);

-- A real-name collision is appealed to support, who approve or reject it with a reason.
CREATE TABLE rebind_appeals (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    kind            TEXT NOT NULL CHECK (kind IN ('real_name')),
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
    decided_by      TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    decided_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX rebind_appeals_account ON rebind_appeals (account_id, created_at);
CREATE INDEX rebind_appeals_pending ON rebind_appeals (status, created_at);

-- +goose Down
DROP TABLE rebind_appeals;
DROP TABLE phone_releases;
