package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/purse-wallet/purse"
)

// The statements of every audit append (prepared on SQLite by Warm, see hotClosure). An append
// is two statements, the lock of its chain's head and the insert, and the insert moves the head
// (issue 19: it was three, and every audited transaction paid the third under the head's lock).
// On PostgreSQL the insert is a data-modifying CTE whose outer statement moves the head
// (withHeadMove); on SQLite, which has no such CTE, a trigger on audit_events moves it
// (migrations 00320 and 00330).
const (
	lockAuditHead = `SELECT seq, hash FROM audit_head WHERE chain = ? FOR UPDATE`
	insertAudits  = `INSERT INTO audit_events (chain, seq, id, at, actor, action, subject, data, prev_hash, hash) VALUES `
	insertAudit   = insertAudits + `(?,?,?,?,?,?,?,?,?,?)`
	moveAuditHead = `UPDATE audit_head SET seq = ?, hash = ? WHERE chain = ?`
	auditColumns  = `chain, seq, id, at, actor, action, subject, data, prev_hash, hash`
)

// withHeadMove makes an insert of events also move the head, in one statement, on PostgreSQL.
func withHeadMove(insert string) string { return `WITH ins AS (` + insert + `) ` + moveAuditHead }

func (t *tx) LockAuditHead(ctx context.Context, chain int) (int64, string, error) {
	var seq int64
	var hash string
	err := t.queryRowHot(ctx, lockAuditHead, chain).Scan(&seq, &hash)
	if err != nil {
		return 0, "", fmt.Errorf("storage: lock audit head %d: %w", chain, err)
	}
	return seq, hash, nil
}

// LockAuditHeads is LockAuditHead for several chains in one statement: an append that spans
// chains (a commit group's closure steps, a batch job's items) locked each head in a statement
// of its own. The heads are locked in ascending chain order, the order every append takes them
// (PostgreSQL locks the rows as the sort returns them).
func (t *tx) LockAuditHeads(ctx context.Context, chains []int) ([]purse.AuditHead, error) {
	if len(chains) == 1 {
		seq, hash, err := t.LockAuditHead(ctx, chains[0])
		return []purse.AuditHead{{Chain: chains[0], Seq: seq, Hash: hash}}, err
	}
	args := make([]any, len(chains))
	for i, c := range chains {
		args[i] = c
	}
	rows, err := t.queryHot(ctx, `SELECT chain, seq, hash FROM audit_head WHERE chain IN `+in(len(chains))+
		` ORDER BY chain FOR UPDATE`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: lock audit heads: %w", err)
	}
	defer rows.Close()
	out := make([]purse.AuditHead, 0, len(chains))
	for rows.Next() {
		var h purse.AuditHead
		if err := rows.Scan(&h.Chain, &h.Seq, &h.Hash); err != nil {
			return nil, fmt.Errorf("storage: lock audit heads: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: lock audit heads: %w", err)
	}
	if len(out) != len(chains) {
		return nil, fmt.Errorf("storage: lock audit heads %v: found %d", chains, len(out))
	}
	return out, nil
}

// moveAuditHeads is withHeadMove for events of several chains: each chain's head moves to its
// last event in the insert.
func moveAuditHeads(insert string) string {
	return `WITH ins AS (` + insert + ` RETURNING chain, seq, hash) UPDATE audit_head SET seq = last.seq, hash = last.hash
		FROM (SELECT DISTINCT ON (chain) chain, seq, hash FROM ins ORDER BY chain, seq DESC) AS last
		WHERE audit_head.chain = last.chain`
}

func (t *tx) InsertAudit(ctx context.Context, e *purse.AuditEvent) error {
	return t.InsertAudits(ctx, []*purse.AuditEvent{e})
}

// InsertAudits stores the events and moves their chain's head to the last, in the same statement.
func (t *tx) InsertAudits(ctx context.Context, es []*purse.AuditEvent) error {
	if len(es) == 0 {
		return nil
	}
	several := es[0].Chain != es[len(es)-1].Chain // the events are grouped by chain
	for start := 0; start < len(es); start += maxBatchRows {
		part := es[start:min(start+maxBatchRows, len(es))]
		args := make([]any, 0, 10*len(part)+3)
		for _, e := range part {
			data, err := json.Marshal(e.Data)
			if err != nil {
				return err
			}
			args = append(args, e.Chain, e.Seq, e.ID, ts(e.At), e.Actor, e.Action, e.Subject, string(data), e.PrevHash, e.Hash)
		}
		// One statement per step's events: the text for each row count is prepared once per
		// connection (SQLite's statement cache, pgx's), so it costs no more parsing than the
		// one-row insert, and one round trip instead of one per event.
		q := insertAudit
		if len(part) > 1 {
			q = insertAudits + rowsValues(len(part), 10)
		}
		if t.db.dialect.Name == "postgres" && several {
			q = moveAuditHeads(q) // every part moves its chains' heads as far as its events go
		} else if t.db.dialect.Name == "postgres" && start+len(part) == len(es) {
			last := es[len(es)-1]
			q, args = withHeadMove(q), append(args, last.Seq, last.Hash, last.Chain)
		}
		if _, err := t.execHot(ctx, q, args...); err != nil {
			return fmt.Errorf("storage: insert audit events: %w", t.duplicate(err))
		}
	}
	return nil
}

func (t *tx) AuditEvents(ctx context.Context, subject string, after purse.AuditPos, limit int) ([]*purse.AuditEvent, error) {
	// Two texts rather than "(? = '' OR subject = ?)": a generic plan could not use the subject's
	// index for the one without knowing the other.
	if subject == "" {
		return t.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events
			WHERE (chain, seq) > (?, ?) ORDER BY chain, seq LIMIT ?`, after.Chain, after.Seq, limit)
	}
	return t.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events
		WHERE subject = ? AND (chain, seq) > (?, ?) ORDER BY chain, seq LIMIT ?`, subject, after.Chain, after.Seq, limit)
}

func (t *tx) AuditChain(ctx context.Context, chain int, after int64, limit int) ([]*purse.AuditEvent, error) {
	return t.auditEvents(ctx, `SELECT `+auditColumns+` FROM audit_events
		WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?`, chain, after, limit)
}

func (t *tx) auditEvents(ctx context.Context, q string, args ...any) ([]*purse.AuditEvent, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: audit events: %w", err)
	}
	defer rows.Close()
	var out []*purse.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanAudit(rows *sql.Rows) (*purse.AuditEvent, error) {
	var e purse.AuditEvent
	var at int64
	var data string
	if err := rows.Scan(&e.Chain, &e.Seq, &e.ID, &at, &e.Actor, &e.Action, &e.Subject, &data, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = tm(at)
	if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
		return nil, fmt.Errorf("storage: audit event %d/%d data: %w", e.Chain, e.Seq, err)
	}
	return &e, nil
}
