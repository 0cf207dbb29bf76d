-- +goose Up
-- Wrong passwords given for a login that names no live or closed account, keyed by the login's
-- keyed hash (no phone or e-mail in clear). An unknown login now counts and locks exactly as a
-- known one does in accounts.login_failures, so sign-in no longer tells which logins exist
-- (issue 14). Rows untouched for a day are pruned.
CREATE TABLE login_locks (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX login_locks_updated ON login_locks (updated_at);

-- +goose Down
DROP TABLE login_locks;
