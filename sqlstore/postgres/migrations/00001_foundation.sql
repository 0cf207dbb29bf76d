-- +goose Up
-- Times are BIGINT microseconds since the Unix epoch (UTC) in both dialects: SQLite has no time
-- type and compares text, so one integer form keeps comparisons right on both stores.

CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('unverified','mobile','verified','merchant')),
    status                TEXT NOT NULL CHECK (status IN ('active','restricted','closing','closed','purged')),
    phone_hash            TEXT,
    email_hash            TEXT,
    phone_sealed          BYTEA,
    email_sealed          BYTEA,
    name_sealed           BYTEA,
    phone_masked          TEXT NOT NULL DEFAULT '',
    password_hash         TEXT NOT NULL DEFAULT '',
    payment_password_hash TEXT NOT NULL DEFAULT '',
    language              TEXT NOT NULL DEFAULT 'zh-CN',
    certificate_required  BOOLEAN NOT NULL DEFAULT FALSE,
    certificate_id        TEXT NOT NULL DEFAULT '',
    activated             BOOLEAN NOT NULL DEFAULT TRUE,
    one_click_pay         BOOLEAN NOT NULL DEFAULT FALSE,
    login_failures        BIGINT NOT NULL DEFAULT 0 CHECK (login_failures >= 0),
    login_locked_until    BIGINT NOT NULL DEFAULT 0,
    pay_failures          BIGINT NOT NULL DEFAULT 0 CHECK (pay_failures >= 0),
    pay_locked_until      BIGINT NOT NULL DEFAULT 0,
    legal_hold            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    closed_at             BIGINT NOT NULL DEFAULT 0,
    purged_at             BIGINT NOT NULL DEFAULT 0
);
-- A phone or e-mail belongs to at most one live account; closing frees it for a new one (TP-7).
CREATE UNIQUE INDEX accounts_live_phone ON accounts (phone_hash) WHERE status NOT IN ('closed','purged');
CREATE UNIQUE INDEX accounts_live_email ON accounts (email_hash) WHERE status NOT IN ('closed','purged') AND email_hash IS NOT NULL;
CREATE INDEX accounts_phone_hash ON accounts (phone_hash, created_at);
CREATE INDEX accounts_email_hash ON accounts (email_hash, created_at);
CREATE INDEX accounts_status ON accounts (status, closed_at);

CREATE TABLE data_keys (
    account_id   TEXT PRIMARY KEY REFERENCES accounts (id),
    wrapped      BYTEA,
    created_at   BIGINT NOT NULL,
    destroyed_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE idempotent_responses (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT NOT NULL,
    header       TEXT NOT NULL,
    body         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotent_responses_created ON idempotent_responses (created_at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('agent','reviewer','admin')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE operator_tokens (
    token_hash  TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    label       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE operator_tokens;
DROP TABLE operators;
DROP TABLE rate_counters;
DROP TABLE settings;
DROP TABLE idempotent_responses;
DROP TABLE sessions;
DROP TABLE data_keys;
DROP TABLE accounts;
