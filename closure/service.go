package closure

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/verify"
)

// Service runs closure flows. Every step is one transaction that reads the request with a row
// lock, checks expiry and the transition table, does its work, saves, and writes its history and
// audit events as it ends. A step's functions take its step value (step.go): the transaction, the
// request and its policy, the account as read so far and the events not yet written.
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
	// DocumentLinkTTL is how long the link to a closed request's documents works (the closure and
	// erasure notices carry one); 0 is DefaultDocumentLinkTTL.
	DocumentLinkTTL time.Duration
	Log             *slog.Logger

	snapshots     sync.Map  // policy snapshot JSON → *Policy (see policyOf)
	fresh         snapshots // new requests' snapshots (see newSnapshot)
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
// and decoding it showed in a step's CPU profile (docs/BENCHMARKS.md, "Figures behind the code's
// choices"), while an operator's requests carry a handful of distinct snapshots (one per policy
// file they ran under): each is decoded once and shared. The policies are read-only once decoded; policy() copies before changing one.
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

// stepFunc is a user step's work on the request that step has loaded.
type stepFunc func(ctx context.Context, st *step) error

// userStep runs one user step on the account's request, loaded with its account as need says,
// and returns the flow after it. A step error that carries a committed expiry is returned as
// committed.
func (s *Service) userStep(ctx context.Context, accountID, id string, need accountNeed, fn stepFunc) (*Flow, error) {
	return s.run(ctx, accountID, id, need, true, fn)
}

// run is userStep; without view it returns no flow and reads nothing more once fn is done (a
// step whose caller shows something else, such as where a code went).
func (s *Service) run(ctx context.Context, accountID, id string, need accountNeed, view bool, fn stepFunc) (*Flow, error) {
	var flow *Flow
	err := s.write(ctx, func(ctx context.Context, st *step) error {
		if err := s.load(ctx, st, id, accountID, need, view); err != nil {
			return err
		}
		if st.req.State == purse.ClosureExpired && fn != nil {
			return purse.FailAfterCommit(conflict(st.req))
		}
		if fn != nil {
			if err := fn(ctx, st); err != nil {
				return err
			}
		}
		if !view {
			return nil
		}
		var err error
		flow, err = s.view(ctx, st)
		return err
	})
	return flow, err
}

// view gathers what the pages show about the step's request.
func (s *Service) view(ctx context.Context, st *step) (*Flow, error) {
	c, p := st.req, st.policy
	rec, err := st.account(ctx)
	if err != nil {
		return nil, err
	}
	f := &Flow{Request: c, Policy: p, Blockers: c.Blockers}
	f.Required = p.Factors(rec.Kind, rec.EmailHash != "")
	// A page the step's own eligibility facts said has no linked account to list reads none: the
	// page agrees with the check it shows, and the flow sends a statement less (issue 19).
	if showsLinked(c.State) && !st.noLinks {
		if f.Linked, err = st.tx.LiveLinkedAccounts(ctx, c.AccountID); err != nil {
			return nil, err
		}
	}
	if f.History, err = st.history(ctx); err != nil {
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
	return s.userStep(ctx, accountID, id, accountRead, nil)
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
