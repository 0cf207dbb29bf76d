package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/storetest"
)

// A policy that needs only the payment password and keeps a closed-for-good account in its
// 7-day cooling-off (status closing) for the whole test: money must never reach it.
const coolingOffPolicy = `name = "crash"
description = "payment password only; a week of cooling-off"
checks = ["balance", "points", "fund", "transactions", "auto_debits", "credit", "agreements",
          "business", "disputes", "merchant_contracts", "stored"]
cascade = true
manual_review = false
submit_on_link = false
withdrawal_window = "24h"
sweep_threshold = 0
cooling_off = "7d"
deadline_days = 15
flow_expiry = "24h"
notify_order = ["email", "sms"]

[verification]
unverified = ["payment_password"]
mobile = ["payment_password"]
verified = ["payment_password"]
merchant = ["payment_password"]

[retention]
personal_data = "30d"
records = "1826d"
`

type wallet struct {
	id, token, card string
}

// TestCrashKeepsTheLedger kills purse with SIGKILL twenty times per store while funded accounts
// top up, withdraw and transfer to each other, and try to pay an account in its cooling-off. After
// every restart (DESIGN.md §4.1, §4.2, §4.4, §4.5): every transfer's postings sum to zero, all books
// sum to zero, each balance equals its postings, no user book is negative, the closing account
// holds nothing and has no posting, every acknowledged answer replays to the byte and its
// transaction exists.
func TestCrashKeepsTheLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and kills real processes")
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			seed := uint64(time.Now().UnixNano())
			if s := os.Getenv("PURSE_CRASH_SEED"); s != "" {
				seed, _ = strconv.ParseUint(s, 10, 64)
			}
			t.Logf("seed %d (rerun with PURSE_CRASH_SEED=%d)", seed, seed)
			dir := t.TempDir()
			db := filepath.Join(dir, "purse.db")
			if dialect == "postgres" {
				db = storetest.PostgresURL(t)
			}
			policy := filepath.Join(dir, "crash.toml")
			if err := os.WriteFile(policy, []byte(coolingOffPolicy), 0o644); err != nil {
				t.Fatal(err)
			}
			srv := newServer(t, db, masterKey, "PURSE_POLICY="+policy)
			srv.start()
			rng := rand.New(rand.NewPCG(seed, seed))
			funded := make([]wallet, 4)
			for i := range funded {
				funded[i] = newWallet(t, srv, fmt.Sprintf("1370000%04d", i), 5_000_000)
			}
			closing := newWallet(t, srv, "13700009999", 0)
			enterCoolingOff(t, srv, closing)
			runLedgerCrashes(t, srv, rng, funded, closing)
		})
	}
}

func newWallet(t *testing.T, srv *server, phone string, money int64) wallet {
	t.Helper()
	base := srv.url()
	reg := call(t, base, "POST", "/api/v1/accounts", map[string]string{"phone": phone, "password": "crash test password", "payment_password": "135790"})
	var w wallet
	decode(t, reg, &struct{ ID *string }{&w.id})
	var s struct{ Token string }
	decode(t, call(t, base, "POST", "/api/v1/sessions", map[string]string{"login": phone, "password": "crash test password"}), &s)
	w.token = s.Token
	var c struct{ ID string }
	decode(t, call(t, base, "POST", "/api/v1/cards", map[string]string{"bank": "ICBC", "card_number": "6222021234567890128", "holder_name": "Crash"}, "Authorization", "Bearer "+w.token), &c)
	w.card = c.ID
	if money > 0 {
		if res := call(t, base, "POST", "/api/v1/topups", map[string]any{"card_id": w.card, "amount": money}, "Authorization", "Bearer "+w.token); res.status != 201 {
			t.Fatalf("top-up: %d %s", res.status, res.body)
		}
	}
	return w
}

// enterCoolingOff takes the clean account through the whole closure to its cooling-off.
func enterCoolingOff(t *testing.T, srv *server, w wallet) {
	t.Helper()
	auth := []string{"Authorization", "Bearer " + w.token}
	var f struct{ ID, State string }
	decode(t, call(t, srv.url(), "POST", "/api/v1/closures", nil, auth...), &f)
	for _, step := range []struct {
		path string
		body any
	}{{"agreement", map[string]bool{"accept": true}}, {"rights", map[string]bool{"confirm": true}},
		{"verification", map[string]string{"payment_password": "135790"}}, {"submit", nil}} {
		res := call(t, srv.url(), "POST", "/api/v1/closures/"+f.ID+"/"+step.path, step.body, auth...)
		if res.status != 200 {
			t.Fatalf("closure %s: %d %s", step.path, res.status, res.body)
		}
		decode(t, res, &f)
	}
	if f.State != "cooling_off" {
		t.Fatalf("closure ended in %s, want cooling_off", f.State)
	}
}

func runLedgerCrashes(t *testing.T, srv *server, rng *rand.Rand, funded []wallet, closing wallet) {
	const kills = 20
	var (
		mu   sync.Mutex
		reqs []*request
		seq  int
	)
	pick := func() *request {
		mu.Lock()
		defer mu.Unlock()
		seq++
		from := funded[rng.IntN(len(funded))]
		r := &request{method: "POST", key: fmt.Sprintf("money-%d", seq), token: from.token}
		amount := 1 + rng.IntN(5000)
		switch k := rng.IntN(10); {
		case k < 6:
			to := funded[rng.IntN(len(funded))]
			if to.id == from.id {
				to = closing // and sometimes money aimed at the account in its cooling-off
			}
			r.path, r.body = "/api/v1/transfers", jsonBody(map[string]any{"to": to.id, "amount": amount})
		case k < 8:
			r.path, r.body = "/api/v1/topups", jsonBody(map[string]any{"card_id": from.card, "amount": amount})
		default:
			r.path, r.body = "/api/v1/withdrawals", jsonBody(map[string]any{"card_id": from.card, "amount": amount})
		}
		reqs = append(reqs, r)
		return r
	}
	for round := 0; round < kills; round++ {
		loadUntilKilled(srv, rng, &mu, pick)
		checkLedger(t, srv.db, closing.id, reqs, round)
		srv.start()
		replay(t, srv, reqs, round)
	}
	t.Logf("%d kills, %d money requests", kills, len(reqs))
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// replay retries every request with its key: acknowledged ones answer as they first did, the rest
// either replay (they committed before the kill) or run now; none may fail on the server's side.
func replay(t *testing.T, srv *server, reqs []*request, round int) {
	t.Helper()
	for _, r := range reqs {
		status, answer, err := r.send(srv.url())
		if err != nil {
			t.Fatalf("round %d: retry %s: %v", round, r.key, err)
		}
		if r.acked && (status != r.status || string(answer) != string(r.answer)) {
			t.Fatalf("round %d: %s answered %d %s after the crash, first %d %s", round, r.key, status, answer, r.status, r.answer)
		}
		if status >= 500 {
			t.Fatalf("round %d: %s answered %d %s", round, r.key, status, answer)
		}
		r.acked, r.status, r.answer = true, status, answer
	}
}

// checkLedger reads the store directly while the process is down.
func checkLedger(t *testing.T, db, closingID string, reqs []*request, round int) {
	t.Helper()
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	q := store.SQL()
	none := func(what, query string) {
		t.Helper()
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer rows.Close()
		if rows.Next() {
			t.Fatalf("round %d: %s", round, what)
		}
	}
	none("a transaction's postings do not sum to zero",
		`SELECT transaction_id FROM ledger_postings GROUP BY transaction_id, currency HAVING SUM(amount) <> 0`)
	none("the books do not sum to zero", `SELECT currency FROM ledger_balances GROUP BY currency HAVING SUM(amount) <> 0`)
	none("a balance differs from its postings", `SELECT b.owner FROM ledger_balances b LEFT JOIN
		(SELECT owner, book, currency, SUM(amount) AS s FROM ledger_postings GROUP BY owner, book, currency) p
		ON p.owner = b.owner AND p.book = b.book AND p.currency = b.currency WHERE COALESCE(p.s, 0) <> b.amount`)
	none("a user book is negative", `SELECT owner FROM ledger_balances WHERE owner NOT LIKE 'operator:%' AND book <> 'credit' AND amount < 0`)
	none("money reached the account in its cooling-off", `SELECT owner FROM ledger_postings WHERE owner = '`+closingID+`'`)
	var status string
	if err := q.QueryRowContext(ctx, `SELECT status FROM accounts WHERE id = '`+closingID+`'`).Scan(&status); err != nil || status != "closing" {
		t.Fatalf("round %d: the cooling-off account is %q (%v)", round, status, err)
	}
	// Every acknowledged movement's transaction is in the ledger.
	for _, r := range reqs {
		if !r.acked || r.status != 201 {
			continue
		}
		var tr struct{ ID string }
		if err := json.Unmarshal(r.answer, &tr); err != nil || tr.ID == "" {
			t.Fatalf("round %d: acknowledged %s without a transaction: %s", round, r.key, r.answer)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE id = '`+tr.ID+`'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("round %d: acknowledged transaction %s of %s is gone (%v)", round, tr.ID, r.key, err)
		}
	}
}
