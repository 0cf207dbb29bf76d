package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// domainStates are every state the closure table names, as origin or target.
func domainStates() []purse.ClosureState {
	var out []purse.ClosureState
	for from, ts := range closure.Transitions {
		out = append(out, from)
		for _, t := range ts {
			out = append(out, t.To)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestStoreSpellsNoClosureState: which states are open, and which expire, is the closure package's
// rule (its table and Expires); a state written as an SQL literal in the store is a second copy of
// that rule, which a state added to the table would silently miss (issue 20). Only the closure
// tables have state columns (accounts and messages have a status, with words of their own such
// as 'closed' and 'failed'), so the test looks for a state column compared with a literal
// anywhere, and for any state literal in the closure files.
func TestStoreSpellsNoClosureState(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	column := regexp.MustCompile(`\b(state|from_state|to_state)\s*(=|<>|IN|NOT IN)\s*\(?\s*'`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := column.Find(src); m != nil {
			t.Errorf("%s compares a closure state column with a literal (%s): bind the states from the closure package", f, m)
		}
		if !strings.HasPrefix(f, "closure") {
			continue
		}
		for _, s := range domainStates() {
			if strings.Contains(string(src), "'"+string(s)+"'") {
				t.Errorf("%s spells the closure state '%s' in SQL: bind it from the closure package instead", f, s)
			}
		}
	}
}

// TestClosureQueriesFollowTheDomain puts a request in every state of the closure table, submitted
// for review and not, and holds each state query to the domain's rule: open requests are the
// non-terminal ones (and the schema allows one per account), idle ones are those Expires says
// expire. A state added to the table that the schema or a query misses fails here.
func TestClosureQueriesFollowTheDomain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		now := clk.Now()
		type row struct {
			c       *purse.ClosureRequest
			open    bool
			expires bool
		}
		var rows []row
		for _, s := range domainStates() {
			for _, submitted := range []bool{false, true} {
				c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: account(t, db), Policy: "strict",
					PolicyJSON: []byte(`{}`), State: s, Submitted: submitted, CreatedAt: now, UpdatedAt: now,
					ExpiresAt: now.Add(-time.Hour), Deadline: now.Add(-time.Hour), CoolingEnds: now.Add(time.Hour)}
				if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosure(ctx, c) }); err != nil {
					t.Fatalf("the schema refuses a request in state %s: %v", s, err)
				}
				rows = append(rows, row{c, !s.Terminal(), closure.Expires(c)})
			}
		}
		ids := func(cs []*purse.ClosureRequest) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.ID)
			}
			slices.Sort(out)
			return out
		}
		want := func(pick func(row) bool) []string {
			var out []string
			for _, r := range rows {
				if pick(r) {
					out = append(out, r.c.ID)
				}
			}
			slices.Sort(out)
			return out
		}
		limit := 2 * len(rows)
		err := db.Tx(ctx, func(tx purse.Tx) error {
			open, err := tx.OpenClosures(ctx, closure.Open(), limit)
			if err != nil {
				return err
			}
			if got, w := ids(open), want(func(r row) bool { return r.open }); !slices.Equal(got, w) {
				t.Errorf("OpenClosures: %d requests, the domain has %d open", len(got), len(w))
			}
			warn, err := tx.DueDeadlineWarnings(ctx, purse.DueDeadlineWarningsParams{Open: closure.Open(),
				Until: now, Stage: 1, Limit: limit})
			if err != nil {
				return err
			}
			if got, w := ids(warn), want(func(r row) bool { return r.open }); !slices.Equal(got, w) {
				t.Errorf("DueDeadlineWarnings: %d requests, the domain has %d open", len(got), len(w))
			}
			idle, err := tx.IdleClosures(ctx, purse.IdleClosuresParams{Expiring: closure.Expiring(false),
				ExpiringSubmitted: closure.Expiring(true), Now: now, Limit: limit})
			if err != nil {
				return err
			}
			if got, w := ids(idle), want(func(r row) bool { return r.expires }); !slices.Equal(got, w) {
				t.Errorf("IdleClosures: %d requests, the domain expires %d", len(got), len(w))
			}
			for _, r := range rows {
				c, err := tx.OpenClosure(ctx, r.c.AccountID, closure.Open())
				if found := err == nil && c.ID == r.c.ID; found != r.open {
					t.Errorf("OpenClosure of a request in %s: found %v (%v), open %v", r.c.State, found, err, r.open)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The one-open index: a second request waits for no terminal one and meets every open one.
		for _, r := range rows {
			second := *r.c
			second.ID = purse.NewID()
			second.State, second.Submitted = purse.ClosureStarted, false
			err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosure(ctx, &second) })
			if dup := errors.Is(err, purse.ErrDuplicate); dup != r.open || (err != nil && !dup) {
				t.Errorf("a second request beside one in %s: %v, open %v", r.c.State, err, r.open)
			}
		}
	})
}
