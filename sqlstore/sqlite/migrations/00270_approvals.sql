-- +goose Up
-- Issue 13, four eyes (maker-checker): a value action above the operator-set threshold is stored
-- here instead of being executed, until a second operator approves it (executed in the approving
-- transaction) or rejects it, or it expires. The CHECK holds the rule a second time where no code
-- path can go around it: the checker is never the maker.
CREATE TABLE approvals (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    account_id TEXT NOT NULL DEFAULT '',
    amount     BIGINT NOT NULL CHECK (amount >= 0),
    params     TEXT NOT NULL DEFAULT '{}',
    reason     TEXT NOT NULL DEFAULT '',
    maker      TEXT NOT NULL,
    checker    TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL CHECK (state IN ('pending','approved','rejected','expired')),
    note       TEXT NOT NULL DEFAULT '',
    result     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0,
    CHECK (checker = '' OR checker <> maker)
);
CREATE INDEX approvals_state ON approvals (state, created_at);

-- +goose Down
DROP TABLE approvals;
