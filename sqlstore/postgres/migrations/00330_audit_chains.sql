-- +goose Up
-- The audit log becomes 16 chains, each with its own head, seq and hashes (issue 19: every audited
-- transaction of every instance locked the one head row). An event's chain is picked by its
-- subject (audit.ChainOf), so an account's events stay in one chain. The chain so far becomes
-- chain 0, its events and hashes unchanged (a new column with a constant default rewrites no
-- row); the other chains start empty. The default is dropped after, so that every insert names
-- its chain.
ALTER TABLE audit_events ADD COLUMN chain BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ADD PRIMARY KEY (chain, seq);
DROP INDEX audit_events_subject;
CREATE INDEX audit_events_subject ON audit_events (subject, chain, seq);

-- One row per chain: its head, locked by every append to it.
ALTER TABLE audit_head DROP CONSTRAINT audit_head_id_check;
ALTER TABLE audit_head RENAME COLUMN id TO chain;
UPDATE audit_head SET chain = 0;
ALTER TABLE audit_head ADD CONSTRAINT audit_head_chain_check CHECK (chain >= 0);
INSERT INTO audit_head (chain, seq, hash) SELECT c, 0, '' FROM generate_series(1, 15) AS c;

-- +goose Down
-- Back to one chain only while the other chains are empty (their events have no place in a
-- single chain; restore a backup instead).
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_events WHERE chain <> 0) THEN
        RAISE EXCEPTION 'audit chains 1 to 15 hold events: they cannot go back into one chain';
    END IF;
END $$;
-- +goose StatementEnd
DELETE FROM audit_head WHERE chain <> 0;
ALTER TABLE audit_head DROP CONSTRAINT audit_head_chain_check;
ALTER TABLE audit_head RENAME COLUMN chain TO id;
UPDATE audit_head SET id = 1;
ALTER TABLE audit_head ADD CONSTRAINT audit_head_id_check CHECK (id = 1);
DROP INDEX audit_events_subject;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ADD PRIMARY KEY (seq);
ALTER TABLE audit_events DROP COLUMN chain;
CREATE INDEX audit_events_subject ON audit_events (subject, seq);
