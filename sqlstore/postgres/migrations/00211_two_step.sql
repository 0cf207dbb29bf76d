-- +goose Up
-- Two-step verification (GE-7, issue 14). An account's second factors: an authenticator app's
-- TOTP secret, sealed with the account's data key like its other personal data (and shredded with
-- it), the last time step used (no code is accepted twice), SMS codes on a new device, and when the
-- login password last changed (a risk signal, TP-5).
CREATE TABLE two_step (
    account_id          TEXT PRIMARY KEY REFERENCES accounts (id),
    totp_sealed         BYTEA,
    totp_pending_sealed BYTEA,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    sms_new_device      INTEGER NOT NULL DEFAULT 0 CHECK (sms_new_device IN (0, 1)),
    password_changed_at BIGINT NOT NULL DEFAULT 0,
    updated_at          BIGINT NOT NULL
);

-- Recovery codes, each usable once, stored as keyed hashes.
CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, code_hash)
);

-- Devices the holder let purse remember after a two-step sign-in: the client keeps a random
-- token (a cookie on the web, a header in apps) and purse its hash. Revoking one ends its sessions.
CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_account ON devices (account_id, created_at);

-- Which device a session was opened on, for revoking and for the closure's risk signal.
CREATE TABLE session_devices (
    session_id TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    account_id TEXT NOT NULL
);
CREATE INDEX session_devices_device ON session_devices (device_id);

-- A sign-in whose password was right and which waits for its second step.
CREATE TABLE sign_in_challenges (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    token_hash   TEXT NOT NULL UNIQUE,
    methods      TEXT NOT NULL,
    code_hash    TEXT NOT NULL DEFAULT '',
    device_label TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_created ON sign_in_challenges (created_at);

-- +goose Down
DROP TABLE sign_in_challenges;
DROP TABLE session_devices;
DROP TABLE devices;
DROP TABLE recovery_codes;
DROP TABLE two_step;
