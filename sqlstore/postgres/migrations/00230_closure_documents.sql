-- +goose Up
-- The erasure receipt (issue 16): the signed statement that the personal-data purge ran, written
-- in the erasing transaction, one per closed request. No personal data: ids, items and times.
CREATE TABLE erasure_receipts (
    closure_id TEXT PRIMARY KEY REFERENCES closures (id),
    account_id TEXT NOT NULL,
    receipt    TEXT NOT NULL,
    issued_at  BIGINT NOT NULL
);
CREATE INDEX erasure_receipts_account ON erasure_receipts (account_id);

-- Links that open a closed request's documents without signing in (issue 16), sent in the closure
-- and erasure notices: the SHA-256 of the token, never the token; reusable until expires_at.
CREATE TABLE document_links (
    token_hash TEXT PRIMARY KEY,
    closure_id TEXT NOT NULL REFERENCES closures (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX document_links_expiry ON document_links (expires_at);

-- +goose Down
DROP TABLE document_links;
DROP TABLE erasure_receipts;
