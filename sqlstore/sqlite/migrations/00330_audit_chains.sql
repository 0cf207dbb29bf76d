-- +goose Up
-- The audit log becomes 16 chains, each with its own head, seq and hashes (issue 19: every audited
-- transaction of every instance locked the one head row). An event's chain is picked by its
-- subject (audit.ChainOf), so an account's events stay in one chain. The chain so far becomes
-- chain 0, its events and hashes unchanged; the other chains start empty. SQLite cannot change a
-- table's primary key in place, so audit_events is rebuilt, keyed by (chain, seq) and clustered
-- on it (WITHOUT ROWID: no second index to write per event).
DROP TRIGGER audit_events_head;

CREATE TABLE audit_events_chained (
    chain     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    id        TEXT NOT NULL UNIQUE,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
INSERT INTO audit_events_chained (chain, seq, id, at, actor, action, subject, data, prev_hash, hash)
    SELECT 0, seq, id, at, actor, action, subject, data, prev_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_chained RENAME TO audit_events;
CREATE INDEX audit_events_subject ON audit_events (subject, chain, seq);

-- One row per chain: its head, locked by every append to it.
CREATE TABLE audit_head_chained (
    chain INTEGER PRIMARY KEY CHECK (chain >= 0),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head_chained (chain, seq, hash) SELECT 0, seq, hash FROM audit_head;
INSERT INTO audit_head_chained (chain, seq, hash) VALUES (1, 0, ''), (2, 0, ''), (3, 0, ''), (4, 0, ''),
    (5, 0, ''), (6, 0, ''), (7, 0, ''), (8, 0, ''), (9, 0, ''), (10, 0, ''), (11, 0, ''), (12, 0, ''),
    (13, 0, ''), (14, 0, ''), (15, 0, '');
DROP TABLE audit_head;
ALTER TABLE audit_head_chained RENAME TO audit_head;

-- +goose StatementBegin
CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE chain = NEW.chain;
END;
-- +goose StatementEnd

-- +goose Down
-- Back to one chain only while the other chains are empty: the CHECK fails the migration otherwise
-- (their events have no place in a single chain; restore a backup instead).
CREATE TEMP TABLE audit_chains_down (other_events INTEGER CHECK (other_events = 0));
INSERT INTO audit_chains_down SELECT COUNT(*) FROM audit_events WHERE chain <> 0;
DROP TABLE audit_chains_down;
DROP TRIGGER audit_events_head;
CREATE TABLE audit_events_single (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
INSERT INTO audit_events_single SELECT seq, id, at, actor, action, subject, data, prev_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_single RENAME TO audit_events;
CREATE INDEX audit_events_subject ON audit_events (subject, seq);
CREATE TABLE audit_head_single (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head_single (id, seq, hash) SELECT 1, seq, hash FROM audit_head WHERE chain = 0;
DROP TABLE audit_head;
ALTER TABLE audit_head_single RENAME TO audit_head;
-- +goose StatementBegin
CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;
-- +goose StatementEnd
