package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse/lifecycle"
)

// stepCounter counts the statements a store sends, by the label of the request under way.
type stepCounter struct {
	mu    sync.Mutex
	label string
	n     map[string]int
	text  map[string][]string
}

func (c *stepCounter) set(label string) {
	c.mu.Lock()
	c.label = label
	c.mu.Unlock()
}

func (c *stepCounter) add(q string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.label == "" {
		return
	}
	c.n[c.label]++
	q = strings.Join(strings.Fields(q), " ")
	c.text[c.label] = append(c.text[c.label], q[:min(len(q), 90)])
}

// flowStatements runs one closure flow and one plain transfer through the bench's server and
// counts the statements of each request (the load generator's read of the SMS code excluded).
func flowStatements(t *testing.T, db string) *stepCounter {
	t.Helper()
	ctx := context.Background()
	s, err := Start(ctx, db, lifecycle.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	pay, err := s.makeAccounts(ctx, 2, spec{prefix: "153", session: true, smallPay: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.fund(ctx, pay); err != nil {
		t.Fatal(err)
	}
	fu, err := s.makeAccounts(ctx, 1, spec{prefix: "154", session: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &stepCounter{n: map[string]int{}, text: map[string][]string{}}
	s.Store.OnStatement(c.add)
	defer s.Store.OnStatement(nil)
	hc := &http.Client{}
	u := fu[0]
	var f flowView
	post := func(label, path string, body any, want int, out any) {
		t.Helper()
		c.set(label)
		defer c.set("")
		if err := s.post(ctx, hc, u, path, body, want, out); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
	}
	// Twice each, so that the second of each counts a warm server (sessions cached, statements
	// prepared): the first transfer and flow pay for what every later one reuses.
	for i := range 2 {
		u = pay[0]
		post(fmt.Sprintf("transfer %d", i), "/api/v1/transfers", map[string]any{"to": pay[1].ID, "amount": plainAmount}, 201, nil)
	}
	u = fu[0]
	post("start", "/api/v1/closures", nil, 201, &f)
	base := "/api/v1/closures/" + f.ID
	post("agreement", base+"/agreement", map[string]any{"accept": true}, 200, &f)
	post("rights", base+"/rights", map[string]any{"confirm": true}, 200, &f)
	post("codes", base+"/codes", map[string]any{"channel": "sms"}, 201, nil)
	code, err := s.smsCode(ctx, u.Phone)
	if err != nil {
		t.Fatal(err)
	}
	post("verification", base+"/verification", map[string]any{"payment_password": PaymentPassword, "sms_code": code}, 200, &f)
	post("submit", base+"/submit", nil, 200, &f)
	if f.State != "closed" {
		t.Fatalf("flow ended %s", f.State)
	}
	return c
}

// flowBudget is what a whole flow (tenpay: six requests) sent once issue 19's cuts were made, per
// store (SQLite's reads have BEGIN and COMMIT, PostgreSQL's run bare: sqlstore.Dialect.BareReads),
// logged beside the count; issue 15's lookup table (account_lookups) made it one more at submit.
// The audit head moving in its insert took one statement off each of the six steps; Start's
// request inserted in its final state, the steps' accounts read with their requests, TP-5's
// signals in one read, no data key read for no linked account, and no cards or links read or
// ended at submit for an account with none, and no linked accounts listed on a rights page
// the facts counted none for took eleven; the history read with the request, at the steps that
// show their page, four more (session 16).
// The test holds the cuts themselves (TestFlowStatementBudget), so that a statement another change
// needs does not fail it, while any of the cuts undone does.
var flowBudget = map[string]int{"sqlite": 75, "postgres": 61}

var flowSteps = []string{"start", "agreement", "rights", "codes", "verification", "submit"}

// TestFlowStatementBudget holds a closure flow to issue 19's statement cuts on both stores (a
// flow's CPU, purse's and PostgreSQL's, is mostly its statements): the verification step reads
// its request once, in its own transaction (the payment password is compared there); no step
// reads an account's data key twice; a message's expiry is not a statement of its own; a code's
// two rate counters are one upsert; Start reads the session's device once and inserts its request
// in its final state; a step reads its request's account in the request's statement; TP-5's
// signals are one read; no data key is read to open no linked account; submit leaves out the
// cards and links the facts say the account has none of. Before the cuts the
// flow sent 102 statements on SQLite and 86 on PostgreSQL. PURSE_STATEMENTS=1 logs each request's
// statements.
func TestFlowStatementBudget(t *testing.T) {
	eachStore(t, func(t *testing.T, name, db string) {
		c := flowStatements(t, db)
		total := 0
		for _, st := range flowSteps {
			total += c.n[st]
		}
		t.Logf("%s: transfer %d statements (warm), flow %d (%d when the cuts were made): %v", name, c.n["transfer 1"], total, flowBudget[name], c.n)
		count := func(step, prefix string) int {
			n := 0
			for _, q := range c.text[step] {
				if strings.HasPrefix(q, prefix) {
					n++
				}
			}
			return n
		}
		if n := count("verification", "SELECT id, account_id, policy, policy_json") + count("verification", "SELECT c.id, c.account_id"); n != 1 {
			t.Errorf("the verification step read its request %d times, want once", n)
		}
		for _, st := range flowSteps {
			if n := count(st, "SELECT account_id, wrapped") + count(st, "SELECT wrapped"); n > 1 {
				t.Errorf("%s read data keys %d times, want at most once", st, n)
			}
			if n := count(st, "UPDATE outbox SET expires_at"); n != 0 {
				t.Errorf("%s set a message's expiry in a statement of its own", st)
			}
		}
		if n := count("codes", "INSERT INTO rate_counters"); n != 1 {
			t.Errorf("the code step counted its rate limits in %d statements, want one", n)
		}
		if n := count("start", "SELECT d.id"); n > 1 {
			t.Errorf("Start read the session's device %d times", n)
		}
		// An audit append is the head's lock and one insert that also moves the head.
		for _, st := range flowSteps {
			if n := count(st, "UPDATE audit_head"); n != 0 {
				t.Errorf("%s moved the audit head in %d statements of their own", st, n)
			}
		}
		// Start reads TP-5's password and card signals in one statement; the rights page
		// reads no data key for an account without linked accounts.
		if n := count("start", "SELECT totp_sealed") + count("start", "SELECT id, account_id, bank"); n != 0 {
			t.Errorf("Start read the two-step row or the cards in %d statements of their own", n)
		}
		if n := count("agreement", "SELECT account_id, wrapped"); n != 0 {
			t.Errorf("the agreement step read a data key with no linked account to open")
		}
		if n := count("agreement", "SELECT id, account_id, platform"); n != 0 {
			t.Errorf("the agreement step read the linked accounts its eligibility facts counted none of")
		}
		// Submit neither reads nor ends cards and links the account has none of (the
		// eligibility facts, read under the account's lock, count them).
		if n := count("submit", "UPDATE cards") + count("submit", "UPDATE linked_accounts") + count("submit", "SELECT id, account_id, platform"); n != 0 {
			t.Errorf("submit read or ended the cards and links of an account with none in %d statements", n)
		}
		// A step that shows its page reads its request's history in the request's statement
		// (issue 19, session 16: four statements a flow).
		for _, st := range flowSteps {
			if n := count(st, "SELECT at, from_state"); n != 0 {
				t.Errorf("%s read its request's history in %d statements of their own", st, n)
			}
		}
		// A new request is inserted in the state Start leaves it in, not updated after.
		if n := count("start", "UPDATE closures"); n != 0 {
			t.Errorf("Start updated the request it inserted %d times", n)
		}
		// A step that needs the request's account reads it in the request's statement (locked
		// with it at verification and submit); submit's eligibility facts read it once more.
		for _, st := range []string{"rights", "codes", "verification", "submit"} {
			if n := count(st, "SELECT c.id, c.account_id"); n != 1 {
				t.Errorf("%s read its request with its account %d times, want once", st, n)
			}
			want := 0
			if st == "submit" {
				want = 1
			}
			if n := count(st, "SELECT accounts.id"); n != want {
				t.Errorf("%s read the account in %d statements of their own, want %d", st, n, want)
			}
		}
		if os.Getenv("PURSE_STATEMENTS") != "" {
			for _, st := range append([]string{"transfer 1"}, flowSteps...) {
				t.Logf("%s (%d):\n  %s", st, c.n[st], strings.Join(c.text[st], "\n  "))
			}
		}
	})
}
