package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

const closureColumns = `id, account_id, policy, policy_json, state, factors, blockers, submitted, created_at,
	updated_at, expires_at, deadline, cooling_ends, closed_at, certificate, prior_status, version`

// The statements of every closure step (prepared on SQLite by Warm, see hotClosure).
const (
	// insertClosure meets an account's open request in the one-open index: DO NOTHING leaves a
	// PostgreSQL transaction usable, so the caller can read that request (see insertUnique).
	insertClosure = `INSERT INTO closures (` + closureColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT DO NOTHING`
	selectClosure       = `SELECT ` + closureColumns + ` FROM closures WHERE id = ? AND account_id = ?`
	selectClosureLocked = selectClosure + ` FOR UPDATE`
	updateClosure       = `UPDATE closures SET state = ?, factors = ?, blockers = ?, submitted = ?,
		updated_at = ?, expires_at = ?, deadline = ?, cooling_ends = ?, closed_at = ?, certificate = ?, prior_status = ?,
		version = version + 1 WHERE id = ? AND version = ?`
	insertClosureEvents = `INSERT INTO closure_events (closure_id, at, from_state, to_state, actor, note) VALUES `
	insertClosureEvent  = insertClosureEvents + `(?,?,?,?,?,?)`
	selectClosureEvents = `SELECT at, from_state, to_state, actor, note FROM closure_events
		WHERE closure_id = ? ORDER BY id`
	selectLiveLinks = `SELECT ` + linkColumns + ` FROM linked_accounts
		WHERE account_id = ? AND status = 'linked' ORDER BY created_at, id`
	unbindCards    = `UPDATE cards SET status = 'unbound', ended_at = ? WHERE account_id = ? AND status = 'bound'`
	unlinkAccounts = `UPDATE linked_accounts SET status = 'unlinked', ended_at = ? WHERE account_id = ? AND status = 'linked'`
)

func (t *tx) InsertClosure(ctx context.Context, c *purse.ClosureRequest) error {
	factors, blockers, err := closureJSON(c)
	if err != nil {
		return err
	}
	if c.Version == 0 {
		c.Version = 1
	}
	res, err := t.execHot(ctx, insertClosure,
		c.ID, c.AccountID, c.Policy, string(c.PolicyJSON), string(c.State), factors, blockers, c.Submitted,
		ts(c.CreatedAt), ts(c.UpdatedAt), ts(c.ExpiresAt), ts(c.Deadline), ts(c.CoolingEnds), ts(c.ClosedAt),
		string(c.Certificate), string(c.PriorStatus), c.Version)
	if err != nil {
		return fmt.Errorf("storage: insert closure: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("storage: insert closure: %w", err)
	} else if n == 0 {
		return fmt.Errorf("storage: insert closure: %w", purse.ErrDuplicate)
	}
	return nil
}

func closureJSON(c *purse.ClosureRequest) (string, string, error) {
	if c.Factors == nil {
		c.Factors = []string{}
	}
	if c.Blockers == nil {
		c.Blockers = []purse.Blocker{}
	}
	f, err := marshalList(c.Factors)
	if err != nil {
		return "", "", err
	}
	b, err := marshalList(c.Blockers)
	if err != nil {
		return "", "", err
	}
	return f, b, nil
}

// marshalList and unmarshalList are json's for a request's factors and blockers, with the empty
// list, which most of a flow's loads and saves carry, written and read without the encoder: a
// flow loads its request six times and saves it five (issue 19).
func marshalList[T any](l []T) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	return string(b), err
}

func unmarshalList[T any](s string, l *[]T) error {
	if s == "[]" {
		*l = []T{}
		return nil
	}
	return json.Unmarshal([]byte(s), l)
}

func (t *tx) Closure(ctx context.Context, id, accountID string) (*purse.ClosureRequest, error) {
	return t.closure(ctx, id, accountID, "")
}

func (t *tx) ClosureForUpdate(ctx context.Context, id, accountID string) (*purse.ClosureRequest, error) {
	return t.closure(ctx, id, accountID, " FOR UPDATE")
}

// A closure step's first statement: the account's request locked, with the account beside it
// (its row locked too in the steps that change it), instead of a statement for each (issue 19).
// Its first placeholder is the account's id again, for its lookup row (accountColumnsByID): the
// executor then starts one partition of account_lookups, not sixteen.
var (
	closureAccountColumns = prefixed("c.", closureColumns) + `, ` + accountColumnsFinding("a", "?")
	closureAccountWhere   = ` FROM closures c JOIN accounts a ON a.id = c.account_id WHERE c.id = ? AND c.account_id = ?`

	selectClosureAccount       = `SELECT ` + closureAccountColumns + closureAccountWhere
	selectClosureAccountLocked = selectClosureAccount + ` FOR UPDATE OF c`
	selectClosureBothLocked    = selectClosureAccount + ` FOR UPDATE OF c, a`
)

func (t *tx) ClosureAndAccountForUpdate(ctx context.Context, id, accountID string, lockAccount bool) (*purse.ClosureRequest, *purse.AccountRecord, error) {
	q := selectClosureAccountLocked
	if lockAccount {
		q = selectClosureBothLocked
	}
	return t.closureAndAccount(ctx, q, id, accountID)
}

// closureAndAccount runs one of the statements above (or selectClosureAccountHistory) and scans
// the request, then the account, then into after any columns that follow them. The request's
// columns come first: scanClosure hands its destinations to the account's scan, which puts them
// before its own.
func (t *tx) closureAndAccount(ctx context.Context, q, id, accountID string, after ...any) (*purse.ClosureRequest, *purse.AccountRecord, error) {
	row := t.queryRowHot(ctx, q, accountID, id, accountID)
	var a *purse.AccountRecord
	c, err := scanClosure(scanFunc(func(dest ...any) error {
		var err error
		a, err = scanAccount(spliceScanner{row: row, before: dest, after: after})
		return err
	}))
	if err != nil {
		return nil, nil, t.notFound(err)
	}
	return c, a, nil
}

// scanFunc is a row scanner made of a function.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func (t *tx) closure(ctx context.Context, id, accountID, lock string) (*purse.ClosureRequest, error) {
	var row *sql.Row
	switch {
	case accountID != "" && lock != "":
		row = t.queryRowHot(ctx, selectClosureLocked, id, accountID)
	case accountID != "":
		row = t.queryRowHot(ctx, selectClosure, id, accountID)
	default:
		row = t.queryRow(ctx, `SELECT `+closureColumns+` FROM closures WHERE id = ?`+lock, id)
	}
	c, err := scanClosure(row)
	if err != nil {
		return nil, t.notFound(err)
	}
	return c, nil
}

// inStates is "col IN (?,…)" over the states the closure package names, with their arguments: the
// store spells no state of its own, so a state added to the table cannot be missed here. No
// states select nothing.
func inStates(col string, states []purse.ClosureState) (string, []any) {
	if len(states) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	return col + " IN " + inList(len(states)), args
}

func (t *tx) OpenClosure(ctx context.Context, accountID string, open []purse.ClosureState) (*purse.ClosureRequest, error) {
	in, args := inStates("state", open)
	c, err := scanClosure(t.queryRow(ctx, `SELECT `+closureColumns+` FROM closures
		WHERE account_id = ? AND `+in+` FOR UPDATE`, append([]any{accountID}, args...)...))
	if err != nil {
		return nil, t.notFound(err)
	}
	return c, nil
}

func scanClosure(row interface{ Scan(...any) error }) (*purse.ClosureRequest, error) {
	var c purse.ClosureRequest
	var policyJSON, state, factors, blockers, cert, prior string
	var created, updated, expires, deadline, cooling, closed int64
	err := row.Scan(&c.ID, &c.AccountID, &c.Policy, &policyJSON, &state, &factors, &blockers, &c.Submitted,
		&created, &updated, &expires, &deadline, &cooling, &closed, &cert, &prior, &c.Version)
	if err != nil {
		return nil, err
	}
	c.PolicyJSON, c.State, c.PriorStatus = []byte(policyJSON), purse.ClosureState(state), purse.AccountStatus(prior)
	if cert != "" {
		c.Certificate = []byte(cert)
	}
	c.CreatedAt, c.UpdatedAt, c.ExpiresAt, c.Deadline = tm(created), tm(updated), tm(expires), tm(deadline)
	c.CoolingEnds, c.ClosedAt = tm(cooling), tm(closed)
	if err := unmarshalList(factors, &c.Factors); err != nil {
		return nil, fmt.Errorf("storage: closure factors: %w", err)
	}
	if err := unmarshalList(blockers, &c.Blockers); err != nil {
		return nil, fmt.Errorf("storage: closure blockers: %w", err)
	}
	return &c, nil
}

func (t *tx) UpdateClosure(ctx context.Context, c *purse.ClosureRequest) error {
	factors, blockers, err := closureJSON(c)
	if err != nil {
		return err
	}
	res, err := t.execHot(ctx, updateClosure,
		string(c.State), factors, blockers, c.Submitted, ts(c.UpdatedAt), ts(c.ExpiresAt), ts(c.Deadline),
		ts(c.CoolingEnds), ts(c.ClosedAt), string(c.Certificate), string(c.PriorStatus), c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("storage: update closure %s: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	c.Version++
	return nil
}

func (t *tx) closures(ctx context.Context, q string, args ...any) ([]*purse.ClosureRequest, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list closures: %w", err)
	}
	defer rows.Close()
	var out []*purse.ClosureRequest
	for rows.Next() {
		c, err := scanClosure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (t *tx) AccountClosures(ctx context.Context, accountID string, limit int) ([]*purse.ClosureRequest, error) {
	return t.closures(ctx, `SELECT `+closureColumns+` FROM closures WHERE account_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, accountID, limit)
}

func (t *tx) OpenClosures(ctx context.Context, open []purse.ClosureState, limit int) ([]*purse.ClosureRequest, error) {
	if len(open) == 0 {
		return nil, nil
	}
	return t.closures(ctx, openClosures(open, max(limit, 1)))
}

// openClosures is the admin queue's query over the open states: open requests, nearest legal
// deadline first. Each state's first page comes from closures_state_deadline (migration 00310)
// in deadline order, and only those pages are merged and cut, so a page costs the same however
// many requests are open. A single "state IN (…) ORDER BY deadline" read and sorted every open
// request for each page: 8.8 × slower at 200,000 accounts (2,000 open) than at 10,000 (issue 19,
// `purse bench scale`).
//
// The states (the code's own constants) and the page size are written into the statement, which
// has no parameter: PostgreSQL plans it once per connection and keeps the plan. With them as
// parameters, its generic plan assumed a tenth of each state's rows under an unknown LIMIT, and
// from a few thousand requests on it judged that plan too dear and planned every execution anew,
// 0.6-1 ms of the query's 0.9 ms at 300,000 accounts (`pgbench -M prepared`: 0.86-0.93 ms against
// 0.25-0.36 ms at 10,000, and 0.30-0.35 ms written out): the queue's p50 was 1.8 × at 300,000
// and at 3 million accounts (issue 19, session 13). A page size is one statement of the
// connection's cache.
func openClosures(open []purse.ClosureState, limit int) string {
	n := strconv.Itoa(limit)
	parts := make([]string, len(open))
	for i, st := range open {
		parts[i] = `SELECT * FROM (SELECT ` + closureColumns + ` FROM closures WHERE state = ` + quoted(string(st)) +
			` ORDER BY deadline, id LIMIT ` + n + `) AS s` + strconv.Itoa(i)
	}
	return `SELECT ` + closureColumns + ` FROM (` + strings.Join(parts, " UNION ALL ") + `) AS q ORDER BY deadline, id LIMIT ` + n
}

// quoted is s as an SQL string literal.
func quoted(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func (t *tx) DueCoolingOff(ctx context.Context, now time.Time, limit int) ([]*purse.ClosureRequest, error) {
	return t.closures(ctx, `SELECT `+closureColumns+` FROM closures WHERE state = ?
		AND cooling_ends <= ?`+skipFailed("closures.id")+` ORDER BY cooling_ends, id LIMIT ? FOR UPDATE SKIP LOCKED`,
		string(purse.ClosureCoolingOff), ts(now), purse.JobCloseDue, ts(now), limit)
}

func (t *tx) DueReminders(ctx context.Context, p purse.DueRemindersParams) ([]*purse.ClosureRequest, error) {
	return t.closures(ctx, `SELECT `+closureColumns+` FROM closures WHERE state = ?
		AND reminded_at = 0 AND cooling_ends > ? AND cooling_ends <= ?`+skipFailed("closures.id")+`
		ORDER BY cooling_ends, id LIMIT ? FOR UPDATE SKIP LOCKED`,
		string(purse.ClosureCoolingOff), ts(p.Now), ts(p.Until), purse.JobRemind, ts(p.Now), p.Limit)
}

func (t *tx) MarkReminded(ctx context.Context, id string, now time.Time) error {
	if _, err := t.exec(ctx, `UPDATE closures SET reminded_at = ? WHERE id = ?`, ts(now), id); err != nil {
		return fmt.Errorf("storage: mark reminded %s: %w", id, err)
	}
	return nil
}

func (t *tx) DueDeadlineWarnings(ctx context.Context, p purse.DueDeadlineWarningsParams) ([]*purse.ClosureRequest, error) {
	in, args := inStates("state", p.Open)
	return t.closures(ctx, `SELECT `+closureColumns+` FROM closures WHERE `+in+`
		AND deadline <= ? AND deadline_warned < ? ORDER BY deadline, id LIMIT ? FOR UPDATE SKIP LOCKED`,
		append(args, ts(p.Until), p.Stage, p.Limit)...)
}

func (t *tx) MarkDeadlineWarned(ctx context.Context, id string, stage int) error {
	if _, err := t.exec(ctx, `UPDATE closures SET deadline_warned = ? WHERE id = ? AND deadline_warned < ?`, stage, id, stage); err != nil {
		return fmt.Errorf("storage: mark deadline warned %s: %w", id, err)
	}
	return nil
}

func (t *tx) IdleClosures(ctx context.Context, p purse.IdleClosuresParams) ([]*purse.ClosureRequest, error) {
	fresh, freshArgs := inStates("state", p.Expiring)
	submitted, submittedArgs := inStates("state", p.ExpiringSubmitted)
	args := append(append(append(append([]any{false}, freshArgs...), true), submittedArgs...),
		ts(p.Now), purse.JobExpireIdle, ts(p.Now), p.Limit)
	return t.closures(ctx, `SELECT `+closureColumns+` FROM closures
		WHERE ((submitted = ? AND `+fresh+`) OR (submitted = ? AND `+submitted+`))
		AND expires_at <= ?`+skipFailed("closures.id")+`
		ORDER BY expires_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, args...)
}

// InsertClosureEvents appends a step's events in one statement: a step records one or two
// transitions, and on PostgreSQL each statement is a round trip.
func (t *tx) InsertClosureEvents(ctx context.Context, es []*purse.ClosureEvent) error {
	if len(es) == 0 {
		return nil
	}
	for start := 0; start < len(es); start += maxBatchRows {
		part := es[start:min(start+maxBatchRows, len(es))]
		args := make([]any, 0, 6*len(part))
		for _, e := range part {
			args = append(args, e.ClosureID, ts(e.At), string(e.From), string(e.To), e.Actor, e.Note)
		}
		q := insertClosureEvent
		if len(part) > 1 {
			q = insertClosureEvents + rowsValues(len(part), 6)
		}
		if _, err := t.execHot(ctx, q, args...); err != nil {
			return fmt.Errorf("storage: insert closure events: %w", err)
		}
	}
	return nil
}

func (t *tx) ClosureEvents(ctx context.Context, closureID string) ([]*purse.ClosureEvent, error) {
	rows, err := t.queryHot(ctx, selectClosureEvents, closureID)
	if err != nil {
		return nil, fmt.Errorf("storage: closure events: %w", err)
	}
	defer rows.Close()
	var out []*purse.ClosureEvent
	for rows.Next() {
		e := &purse.ClosureEvent{ClosureID: closureID}
		var at int64
		var from, to string
		if err := rows.Scan(&at, &from, &to, &e.Actor, &e.Note); err != nil {
			return nil, err
		}
		e.At, e.From, e.To = tm(at), purse.ClosureState(from), purse.ClosureState(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *tx) LiveLinkedAccounts(ctx context.Context, accountID string) ([]*purse.LinkedAccount, error) {
	rows, err := t.queryHot(ctx, selectLiveLinks, accountID)
	links, err := scanAll(rows, err, "live linked accounts", scanLink)
	if err != nil {
		return nil, err
	}
	return links, t.openLinks(ctx, accountID, links)
}

func (t *tx) EndBindings(ctx context.Context, accountID string, now time.Time) (int, int, error) {
	res, err := t.execHot(ctx, unbindCards, ts(now), accountID)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: unbind cards: %w", err)
	}
	cards, _ := res.RowsAffected()
	res, err = t.execHot(ctx, unlinkAccounts, ts(now), accountID)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: unlink accounts: %w", err)
	}
	linked, _ := res.RowsAffected()
	return int(cards), int(linked), nil
}
