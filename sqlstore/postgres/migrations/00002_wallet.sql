-- +goose Up
-- The wallet: a double-entry ledger and every service that can block a closure (AP-8, TP-1, IM-3).

-- A ledger transaction is one user-visible movement; its postings are the balanced legs.
CREATE TABLE ledger_transactions (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('topup','withdrawal','transfer','fund_subscribe','fund_redeem',
                  'points_grant','points_spend','stored_grant','stored_spend','credit_draw','credit_repay','sweep')),
    status       TEXT NOT NULL CHECK (status IN ('pending','settled','failed')),
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    counterparty TEXT NOT NULL DEFAULT '',
    card_id      TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL CHECK (amount > 0),
    currency     TEXT NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    settle_after BIGINT NOT NULL DEFAULT 0,
    settled_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ledger_transactions_account ON ledger_transactions (account_id, created_at);
CREATE INDEX ledger_transactions_counterparty ON ledger_transactions (counterparty, created_at);
CREATE INDEX ledger_transactions_pending ON ledger_transactions (status, settle_after);

-- owner is an account id or an operator book such as 'operator:bank'. Postings are append-only.
CREATE TABLE ledger_postings (
    id             BIGSERIAL PRIMARY KEY,
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    owner          TEXT NOT NULL,
    book           TEXT NOT NULL CHECK (book IN ('balance','points','fund','stored','credit','operator')),
    currency       TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount <> 0),
    created_at     BIGINT NOT NULL
);
CREATE INDEX ledger_postings_owner ON ledger_postings (owner, created_at);
CREATE INDEX ledger_postings_transaction ON ledger_postings (transaction_id);

CREATE TABLE ledger_balances (
    owner      TEXT NOT NULL,
    book       TEXT NOT NULL,
    currency   TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (owner, book, currency)
);

-- Quick-pay card bindings (TP-1). The number is sealed with the account's data key.
CREATE TABLE cards (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    bank         TEXT NOT NULL,
    number_sealed BYTEA,
    holder_sealed BYTEA,
    last4        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('bound','unbound')),
    created_at   BIGINT NOT NULL,
    ended_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX cards_account ON cards (account_id, status);

CREATE TABLE coupons (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    title      TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    currency   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('unused','used','expired')),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX coupons_account ON coupons (account_id, status);

-- Auto-debit agreements (代扣, AP-8.4).
CREATE TABLE auto_debits (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    merchant   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('general','cae','travel_credit')),
    status     TEXT NOT NULL CHECK (status IN ('active','cancelled')),
    created_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX auto_debits_account ON auto_debits (account_id, status);

-- Credit line (花呗, AP-8.5, GE-5). The debt is the account's 'credit' book, negative when owed.
CREATE TABLE credit_lines (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    limit_amount BIGINT NOT NULL CHECK (limit_amount > 0),
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open','closed')),
    created_at   BIGINT NOT NULL,
    ended_at     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX credit_lines_one_open ON credit_lines (account_id) WHERE status = 'open';

-- Merchant contracts with a term (AP-8.9).
CREATE TABLE merchant_contracts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    title      TEXT NOT NULL,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active','terminated')),
    created_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX merchant_contracts_account ON merchant_contracts (account_id, status);

-- Accounts on other platforms linked to this one (AP-4, IM-3), told of a closure by webhook.
CREATE TABLE linked_accounts (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    webhook_url TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('linked','unlinked')),
    created_at  BIGINT NOT NULL,
    ended_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX linked_accounts_account ON linked_accounts (account_id, status);

-- Disputes and restrictions (AP-8.8), opened and resolved by the operator.
CREATE TABLE disputes (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    reason      TEXT NOT NULL,
    restricts   BOOLEAN NOT NULL DEFAULT FALSE,
    status      TEXT NOT NULL CHECK (status IN ('open','resolved')),
    created_at  BIGINT NOT NULL,
    ended_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX disputes_account ON disputes (account_id, status);

-- Business in progress (AP-8.7): password recovery and phone-number change.
CREATE TABLE business_flows (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('password_recovery','phone_change')),
    status       TEXT NOT NULL CHECK (status IN ('pending','completed','cancelled','expired')),
    target_sealed BYTEA,
    code_hash    TEXT NOT NULL DEFAULT '',
    attempts     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX business_flows_account ON business_flows (account_id, status);

-- Agreement flags (AP-8.6): terms of service not met, or a special agreement with the operator.
CREATE TABLE account_flags (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('terms_not_met','special_agreement')),
    note       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('active','cleared')),
    created_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX account_flags_account ON account_flags (account_id, status);

-- +goose Down
DROP TABLE account_flags;
DROP TABLE business_flows;
DROP TABLE disputes;
DROP TABLE linked_accounts;
DROP TABLE merchant_contracts;
DROP TABLE credit_lines;
DROP TABLE auto_debits;
DROP TABLE coupons;
DROP TABLE cards;
DROP TABLE ledger_balances;
DROP TABLE ledger_postings;
DROP TABLE ledger_transactions;
