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

// flowBudget is the most statements a whole flow (tenpay: six requests) may send, per store;
// SQLite's reads have BEGIN and COMMIT, PostgreSQL's run bare (sqlstore.Dialect.BareReads). A
// change that adds a statement to a step raises it with its reason: issue 15's lookup table
// (account_lookups) is one more write at submit (93 → 94, 79 → 80).
var flowBudget = map[string]int{"sqlite": 94, "postgres": 80}

var flowSteps = []string{"start", "agreement", "rights", "codes", "verification", "submit"}

// TestFlowStatementBudget holds a closure flow to a statement budget on both stores (issue 19:
// a flow's CPU, purse's and PostgreSQL's, is mostly its statements). PURSE_STATEMENTS=1 logs
// each request's statements.
func TestFlowStatementBudget(t *testing.T) {
	dbs := map[string]string{"sqlite": ""}
	if pg := os.Getenv("PURSE_TEST_POSTGRES"); pg != "" {
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := flowStatements(t, db)
			total := 0
			for _, st := range flowSteps {
				total += c.n[st]
			}
			t.Logf("%s: transfer %d statements (warm), flow %d: %v", name, c.n["transfer 1"], total, c.n)
			// Before issue 19's cuts: 102 on SQLite, 86 on PostgreSQL (the verification step's
			// look before its transaction, a data key read two or three times per step, the
			// outbox's expiry in a statement of its own, a code's two rate counters in two).
			if b := flowBudget[name]; total > b {
				t.Errorf("a closure flow ran %d statements, budget %d", total, b)
			}
			if os.Getenv("PURSE_STATEMENTS") != "" {
				for _, st := range append([]string{"transfer 1"}, flowSteps...) {
					t.Logf("%s (%d):\n  %s", st, c.n[st], strings.Join(c.text[st], "\n  "))
				}
			}
		})
	}
}
