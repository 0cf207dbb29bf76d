package closure

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/jobs"
)

// step is one closure step: the transaction it runs in, the request it acts on with that
// request's policy snapshot, the request's account as far as the step has read it, and what the
// step writes when it ends: the history of its transitions and its audit events. Every step
// function takes it, so what a step reads and writes shows in its signature.
//
// A step keeps its history events and audit events and writes them together at its end (flush):
// one insert of history, and one lock and one move of the audit chain's head, instead of one of
// each per event (a flow records 11). Every audited transaction locks that head row, so it is
// held only for the end of the step rather than from its first event.
type step struct {
	tx         purse.Tx
	req        *purse.ClosureRequest // set by load, or by Start for the request it makes
	policy     *Policy               // req's policy snapshot
	created    bool                  // req was made in this step: it has no stored history yet
	rec        *purse.AccountRecord  // req's account once read (see account and lockAccount)
	locked     bool                  // rec was read with its row lock
	noLinks    bool                  // the step's eligibility facts counted no live linked account
	stored     []*purse.ClosureEvent // req's stored history, when load read it with req (see history)
	storedRead bool                  // load read it
	events     []*purse.ClosureEvent // the step's transitions, written by flush
	audit      *audit.Pending        // the step's audit events, appended by flush
}

func newStep(tx purse.Tx) *step { return &step{tx: tx, audit: audit.Defer(tx)} }

// flush writes what the step kept: its history events in one statement, then its audit events.
// Call it last in the step's transaction, also before returning a purse.FailAfterCommit error.
func (st *step) flush(ctx context.Context) error {
	if len(st.events) > 0 {
		if err := st.tx.InsertClosureEvents(ctx, st.events); err != nil {
			return err
		}
		st.events = nil
	}
	return st.audit.Flush(ctx)
}

// write runs fn as one step in a write transaction of its own, or under group commit in a
// savepoint of a shared one (see Group). A purse.FailAfterCommit error commits the step's
// history and audit events too.
func (s *Service) write(ctx context.Context, fn func(ctx context.Context, st *step) error) error {
	if s.Group == nil || s.Store.Bound(ctx) {
		// A step bound to a request's own transaction (Idempotency-Key) runs in it: that
		// transaction already holds SQLite's one writer, which the group would wait for.
		return s.writeTx(ctx, fn)
	}
	return s.Group.Do(ctx, func(bound context.Context) error { return s.writeTx(bound, fn) })
}

// Grouper runs fn with a context bound to a transaction shared with other callers, and returns
// fn's error or the shared commit's (wallet.Group).
type Grouper interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// writeTx is write without the group. Under the group, in a savepoint of its shared transaction,
// the step's audit events go to the group (jobs.RunItem), which appends every kept step's at once
// before its commit: one lock statement and one insert per group instead of per step (issue 19).
func (s *Service) writeTx(ctx context.Context, fn func(ctx context.Context, st *step) error) error {
	return jobs.RunItem(ctx, s.Store, func(ctx context.Context, tx purse.Tx) error {
		st := newStep(tx)
		err := fn(ctx, st)
		var kept *purse.CommittedError
		if err != nil && !errors.As(err, &kept) {
			return err
		}
		if ferr := st.flush(ctx); ferr != nil {
			return ferr
		}
		return err
	})
}

// accountNeed is what a step needs of its request's account when it loads the request: a user
// step that reads or locks the account anyway has it read in the request's statement, one
// statement less per step (issue 19).
type accountNeed int

const (
	accountLater  accountNeed = iota // not now: the step reads it with other facts, or not at all
	accountRead                      // read beside the request (see step.account)
	accountLocked                    // read and locked beside the request (see step.lockAccount)
)

// load reads and locks the account's request (accountID "" for operators and jobs) into the step,
// with its account as need says, and expires it when it sat idle too long. NOT_FOUND for another
// account's request; an expired request answers CLOSURE_STATE_CONFLICT after the expiry is
// committed. A user step that shows its page (withHistory) has the request's stored history and
// its account read in the request's statement: the page needs both, and each was a statement of
// its own (issue 19, session 16).
//
// An account read beside the request but not locked is as fresh as a read right after the lock:
// on PostgreSQL it may come from the moment the statement began, before it waited for the
// request's lock, but an unlocked read can be overtaken by a change just after it all the same,
// and what a step reads unlocked (kind, e-mail, language, contact data) no closure step changes.
func (s *Service) load(ctx context.Context, st *step, id, accountID string, need accountNeed, withHistory bool) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	var c *purse.ClosureRequest
	var rec *purse.AccountRecord
	var err error
	switch {
	case withHistory && accountID != "":
		c, rec, st.stored, err = st.tx.ClosureHistoryAndAccountForUpdate(ctx, id, accountID, need == accountLocked)
		st.storedRead = err == nil
	case need == accountLater || accountID == "":
		c, err = st.tx.ClosureForUpdate(ctx, id, accountID)
	default:
		c, rec, err = st.tx.ClosureAndAccountForUpdate(ctx, id, accountID, need == accountLocked)
	}
	if rec != nil {
		st.rec, st.locked = rec, need == accountLocked
	}
	if errors.Is(err, purse.ErrNotFound) {
		return purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	if err != nil {
		return err
	}
	if st.policy, err = s.policyOf(c); err != nil {
		return err
	}
	st.req = c
	if Expires(c) && !st.tx.Now().Before(c.ExpiresAt) {
		if err := st.move(purse.ClosureExpired, "system", "idle past expiry"); err != nil {
			return err
		}
		return st.save(ctx)
	}
	return nil
}

// move makes one transition from the table; the step keeps its history and audit events (see
// flush). The caller saves.
func (st *step) move(to State, actor, note string) error {
	c := st.req
	if !Allowed(c.State, to) {
		return conflict(c)
	}
	from := c.State
	c.State, c.UpdatedAt = to, st.tx.Now()
	st.events = append(st.events, &purse.ClosureEvent{ClosureID: c.ID, At: st.tx.Now(), From: from, To: to, Actor: actor, Note: note})
	st.audit.Record(actor, "closure.transition", c.AccountID,
		map[string]string{"closure": c.ID, "from": string(from), "to": string(to), "note": note})
	return nil
}

// save writes the request, pushing its idle expiry forward.
func (st *step) save(ctx context.Context) error {
	c := st.req
	c.UpdatedAt = st.tx.Now()
	if Expires(c) {
		c.ExpiresAt = st.tx.Now().Add(st.policy.FlowExpiry.Duration)
	}
	if err := st.tx.UpdateClosure(ctx, c); err != nil {
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeConflict, "closure %s changed meanwhile", c.ID)
		}
		return err
	}
	return nil
}

// in refuses a step unless the request is in one of the states.
func (st *step) in(states ...State) error {
	if slices.Contains(states, st.req.State) {
		return nil
	}
	return conflict(st.req)
}

// account reads the request's account at most once per step for what no step changes: its kind
// and e-mail (the factors), language and sealed contact data. The step, its notices and its view
// each need it, and each read was a statement. Status and the counters are read fresh and locked
// (lockAccount) by the code that changes them.
func (st *step) account(ctx context.Context) (*purse.AccountRecord, error) {
	if st.rec != nil {
		return st.rec, nil
	}
	rec, err := st.tx.Account(ctx, st.req.AccountID)
	if err != nil {
		return nil, err
	}
	st.rec = rec
	return rec, nil
}

// lockAccount reads the request's account with its row lock, once per step: a step that locks it
// early (Submit, Verify) hands the same locked record to the code that needs the lock (approve,
// the payment password's counters) instead of reading it again.
func (st *step) lockAccount(ctx context.Context) (*purse.AccountRecord, error) {
	if st.locked {
		return st.rec, nil
	}
	rec, err := st.tx.AccountForUpdate(ctx, st.req.AccountID)
	if err != nil {
		return nil, err
	}
	st.rec, st.locked = rec, true
	return rec, nil
}

// seen keeps the account record the step read otherwise (with the eligibility facts), for
// account; a locked one stays.
func (st *step) seen(rec *purse.AccountRecord) {
	if rec != nil && !st.locked {
		st.rec = rec
	}
}

// history is the request's history as a read will show it once the step commits: what earlier
// steps stored (read by load with the request, or here), then the step's own transitions from
// memory, with times to the microsecond as the store keeps them. A request made in this step has
// nothing stored to read.
func (st *step) history(ctx context.Context) ([]*purse.ClosureEvent, error) {
	var h []*purse.ClosureEvent
	switch {
	case st.created:
	case st.storedRead:
		h = slices.Clone(st.stored)
	default:
		var err error
		if h, err = st.tx.ClosureEvents(ctx, st.req.ID); err != nil {
			return nil, err
		}
	}
	for _, e := range st.events {
		e := *e
		e.At = e.At.Truncate(time.Microsecond)
		h = append(h, &e)
	}
	return h, nil
}
