package closure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/verify"
)

// Service runs closure flows. Every step is one transaction that reads the request with a row
// lock, checks expiry and the transition table, does its work, writes history and audit, and saves.
type Service struct {
	Store    purse.Store
	Accounts *account.Service
	Catalog  *i18n.Catalog
	Policy   *Policy // for new requests; running ones keep their snapshot
	OTP      *verify.OTP
	Captchas *verify.Captchas
	Signer   *certificate.Signer // nil: no certificate is issued
	Calendar *calendar.Calendar  // counts legal deadlines; nil: the China schedule in UTC
	// Sweeper moves tiny leftovers out at closure (the ledger's); nil turns sweeping off whatever
	// the policy's sweep_threshold says.
	Sweeper Sweeper
	// Group, if set, runs the user steps of concurrent flows in shared transactions, each in a
	// savepoint, so that one commit makes several steps durable (group commit; see write). nil runs
	// each step in a transaction of its own.
	Group Grouper
	// BaseURL prefixes the e-mail link ("https://wallet.example.com"); "" leaves it relative.
	BaseURL string
	Log     *slog.Logger

	snapshots     sync.Map // policy snapshot JSON → *Policy (see policyOf)
	snapshotCount atomic.Int64
}

// Sweeper sweeps a leftover balance out of an account inside the closing transaction, with a
// balanced posting to the operator's sweep book (DESIGN.md §2). The ledger implements it.
type Sweeper interface {
	SweepLeftover(ctx context.Context, tx purse.Tx, accountID string, book purse.BookBalance) error
}

// policy is the policy new requests run under: without a sweeper there is no sweeping.
func (s *Service) policy() *Policy {
	if s.Sweeper != nil || s.Policy.SweepThreshold == 0 {
		return s.Policy
	}
	p := *s.Policy
	p.SweepThreshold = 0
	return &p
}

// Flow is a request with what its pages show: the factors it needs, the live blockers, the
// linked accounts that go with it (AP-4; read only in the states whose page shows them, see
// showsLinked) and its history.
type Flow struct {
	Request  *purse.ClosureRequest
	Policy   *Policy
	Required []string
	Blockers []purse.Blocker
	Linked   []*purse.LinkedAccount
	History  []*purse.ClosureEvent
}

func actorOf(accountID string) string { return "account:" + accountID }

// policyOf returns the request's policy snapshot. Every step of every request reads its snapshot,
// and decoding it was a twentieth of a step's CPU besides the SQL, while an operator's requests
// carry a handful of distinct snapshots (one per policy file they ran under): each is decoded
// once and shared. The policies are read-only once decoded; policy() copies before changing one.
func (s *Service) policyOf(c *purse.ClosureRequest) (*Policy, error) {
	if p, ok := s.snapshots.Load(string(c.PolicyJSON)); ok {
		return p.(*Policy), nil
	}
	var p Policy
	if err := json.Unmarshal(c.PolicyJSON, &p); err != nil {
		return nil, fmt.Errorf("closure %s: policy snapshot: %w", c.ID, err)
	}
	if s.snapshotCount.Add(1) <= maxSnapshots {
		s.snapshots.Store(string(c.PolicyJSON), &p)
	}
	return &p, nil
}

// maxSnapshots bounds the decoded snapshots kept: past it (an operator editing a policy very
// often) a snapshot is simply decoded each time.
const maxSnapshots = 64

// move makes one transition from the table, writing history and audit. The caller saves. Inside
// a step (write) the history event is kept and written with the step's others when it saves
// (flushEvents); elsewhere it is written at once.
func (s *Service) move(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, to State, actor, note string) error {
	if !Allowed(c.State, to) {
		return conflict(c)
	}
	from := c.State
	c.State, c.UpdatedAt = to, tx.Now()
	e := &purse.ClosureEvent{ClosureID: c.ID, At: tx.Now(), From: from, To: to, Actor: actor, Note: note}
	if m := memoOf(ctx); m != nil {
		m.events = append(m.events, e)
	} else if err := tx.InsertClosureEvents(ctx, []*purse.ClosureEvent{e}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, "closure.transition", c.AccountID,
		map[string]string{"closure": c.ID, "from": string(from), "to": string(to), "note": note})
}

// flushEvents writes the history events the step has kept, in one statement.
func flushEvents(ctx context.Context, tx purse.Tx) error {
	m := memoOf(ctx)
	if m == nil || len(m.events) == 0 {
		return nil
	}
	if err := tx.InsertClosureEvents(ctx, m.events); err != nil {
		return err
	}
	m.events = nil
	return nil
}

// save writes the request, pushing its idle expiry forward.
func (s *Service) save(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, p *Policy) error {
	c.UpdatedAt = tx.Now()
	if Expires(c) {
		c.ExpiresAt = tx.Now().Add(p.FlowExpiry.Duration)
	}
	if err := tx.UpdateClosure(ctx, c); err != nil {
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeConflict, "closure %s changed meanwhile", c.ID)
		}
		return err
	}
	return flushEvents(ctx, tx)
}

// load reads and locks the account's request (accountID "" for operators and jobs) and expires it
// when it sat idle too long. NOT_FOUND for another account's request; an expired request answers
// CLOSURE_STATE_CONFLICT after the expiry is committed.
func (s *Service) load(ctx context.Context, tx purse.Tx, id, accountID string) (*purse.ClosureRequest, *Policy, error) {
	if !purse.ValidID(id) {
		return nil, nil, purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	c, err := tx.ClosureForUpdate(ctx, id, accountID)
	if errors.Is(err, purse.ErrNotFound) {
		return nil, nil, purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := s.policyOf(c)
	if err != nil {
		return nil, nil, err
	}
	if Expires(c) && !tx.Now().Before(c.ExpiresAt) {
		if err := s.move(ctx, tx, c, purse.ClosureExpired, "system", "idle past expiry"); err != nil {
			return nil, nil, err
		}
		if err := s.save(ctx, tx, c, p); err != nil {
			return nil, nil, err
		}
	}
	return c, p, nil
}

// in refuses a step unless the request is in one of the states.
func in(c *purse.ClosureRequest, states ...State) error {
	if slices.Contains(states, c.State) {
		return nil
	}
	return conflict(c)
}

// stepFunc is a step's work on the loaded request, under the step's context (whose audit events
// are appended when the step commits, see write).
type stepFunc func(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, p *Policy) error

// write runs fn in a write transaction whose audit events are appended together just before it
// commits (audit.Deferred): one lock and one move of the chain's head per step instead of one of
// each per event (a flow records 11), and since every audited transaction locks that head row,
// it is held only for the end of the step rather than from its first event. A
// purse.FailAfterCommit error commits its events too.
func (s *Service) write(ctx context.Context, fn func(ctx context.Context, tx purse.Tx) error) error {
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

func (s *Service) writeTx(ctx context.Context, fn func(ctx context.Context, tx purse.Tx) error) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		dctx, flush := audit.Deferred(ctx, tx)
		dctx = context.WithValue(dctx, memoKey{}, &stepMemo{})
		err := fn(dctx, tx)
		var kept *purse.CommittedError
		if err != nil && !errors.As(err, &kept) {
			return err
		}
		if ferr := flushEvents(dctx, tx); ferr != nil {
			return ferr
		}
		if ferr := flush(); ferr != nil {
			return ferr
		}
		return err
	})
}

type memoKey struct{}

// stepMemo is what one step (write) keeps: the account record it has read (see account) and the
// history events of its transitions, not yet written (see move and flushEvents).
type stepMemo struct {
	rec    *purse.AccountRecord
	locked bool // rec was read with its row lock
	events []*purse.ClosureEvent
}

func memoOf(ctx context.Context) *stepMemo {
	m, _ := ctx.Value(memoKey{}).(*stepMemo)
	return m
}

// account reads the request's account at most once per step (write) for what no step changes:
// its kind and e-mail (the factors), language and sealed contact data. The step, its notices and
// its view each need it, and each read was a statement. Status and the counters are read fresh
// and locked (lockAccount) by the code that changes them; such a read is remembered with seen.
func (s *Service) account(ctx context.Context, tx purse.Tx, id string) (*purse.AccountRecord, error) {
	m := memoOf(ctx)
	if m != nil && m.rec != nil && m.rec.ID == id {
		return m.rec, nil
	}
	rec, err := tx.Account(ctx, id)
	if err == nil && m != nil {
		m.rec = rec
	}
	return rec, err
}

// lockAccount reads the account with its row lock, once per step: a step that locks it early
// (Submit, Verify) hands the same locked record to the code that needs the lock (approve, the
// payment password's counters) instead of reading it again.
func (s *Service) lockAccount(ctx context.Context, tx purse.Tx, id string) (*purse.AccountRecord, error) {
	m := memoOf(ctx)
	if m != nil && m.locked && m.rec != nil && m.rec.ID == id {
		return m.rec, nil
	}
	rec, err := tx.AccountForUpdate(ctx, id)
	if err == nil && m != nil {
		m.rec, m.locked = rec, true
	}
	return rec, err
}

// seen remembers an account record the step read otherwise (with the eligibility facts), for
// account.
func seen(ctx context.Context, rec *purse.AccountRecord) {
	if m := memoOf(ctx); m != nil && rec != nil && (m.rec == nil || m.rec.ID != rec.ID || !m.locked) {
		m.rec, m.locked = rec, false
	}
}

// step runs one user step on the account's request and returns the flow after it. A step error
// that carries a committed expiry is returned as committed.
func (s *Service) step(ctx context.Context, accountID, id string, fn stepFunc) (*Flow, error) {
	return s.run(ctx, accountID, id, true, fn)
}

// run is step; without view it returns no flow and reads nothing more once fn is done (a step
// whose caller shows something else, such as where a code went).
func (s *Service) run(ctx context.Context, accountID, id string, view bool, fn stepFunc) (*Flow, error) {
	var flow *Flow
	err := s.write(ctx, func(ctx context.Context, tx purse.Tx) error {
		c, p, err := s.load(ctx, tx, id, accountID)
		if err != nil {
			return err
		}
		if c.State == purse.ClosureExpired && fn != nil {
			return purse.FailAfterCommit(conflict(c))
		}
		if fn != nil {
			if err := fn(ctx, tx, c, p); err != nil {
				return err
			}
		}
		if !view {
			return nil
		}
		flow, err = s.view(ctx, tx, c, p)
		return err
	})
	return flow, err
}

// view gathers what the pages show about a request.
func (s *Service) view(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, p *Policy) (*Flow, error) {
	return s.viewWith(ctx, tx, c, p, nil)
}

// viewWith is view with the history already known (a request made in this step); nil reads it.
func (s *Service) viewWith(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, p *Policy, history []*purse.ClosureEvent) (*Flow, error) {
	rec, err := s.account(ctx, tx, c.AccountID)
	if err != nil {
		return nil, err
	}
	f := &Flow{Request: c, Policy: p, Blockers: c.Blockers}
	f.Required = p.Factors(rec.Kind, rec.EmailHash != "")
	if showsLinked(c.State) {
		if f.Linked, err = tx.LiveLinkedAccounts(ctx, c.AccountID); err != nil {
			return nil, err
		}
	}
	if history != nil {
		f.History = history
		return f, nil
	}
	if err := flushEvents(ctx, tx); err != nil {
		return nil, err
	}
	if f.History, err = tx.ClosureEvents(ctx, c.ID); err != nil {
		return nil, err
	}
	return f, nil
}

// showsLinked reports whether the flow's page in the state lists the linked accounts that go
// with the account: the rights page (AP-4), reached through eligibility. Elsewhere they are not
// read, a statement less on every other step.
func showsLinked(st State) bool { return st == purse.ClosureEligibility || st == purse.ClosureRights }

// Get returns the account's request, expiring it if it sat idle. NOT_FOUND for another's.
func (s *Service) Get(ctx context.Context, accountID, id string) (*Flow, error) {
	return s.step(ctx, accountID, id, nil)
}

// List returns the account's requests, newest first, so a client can find its open one.
func (s *Service) List(ctx context.Context, accountID string, limit int) ([]*purse.ClosureRequest, error) {
	var out []*purse.ClosureRequest
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.AccountClosures(ctx, accountID, limit)
		return err
	})
	return out, err
}
