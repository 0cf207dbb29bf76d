package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/storetest"
	"github.com/purse-wallet/purse/vault"
)

// exec runs SQL written with ? placeholders on the test store, for fixtures of tables other
// engineers' services fill (ledger, cards) and for reading raw rows.
func exec(t *testing.T, e *apitest.Env, q string, args ...any) {
	t.Helper()
	if _, err := e.DB.SQL().Exec(rebind(e, q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func rebind(e *apitest.Env, q string) string {
	if e.Dialect != "postgres" {
		return q
	}
	return storetest.Numbered(q)
}

func count(t *testing.T, e *apitest.Env, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.DB.SQL().QueryRow(rebind(e, q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// register signs up an account with a name through the API and returns its id.
func register(t *testing.T, e *apitest.Env, phone, email, name string) string {
	t.Helper()
	body := map[string]any{"phone": phone, "password": "correct horse", "payment_password": "135790", "name": name}
	if email != "" {
		body["email"] = email
	}
	var a struct {
		ID string `json:"id"`
	}
	e.Register(body).Expect(t, 201).JSON(t, &a)
	return a.ID
}

// bindCard stores a card with its number and holder sealed by the account's data key, as the
// card service does (TP-1).
func bindCard(t *testing.T, e *apitest.Env, accountID, number, holder string) {
	t.Helper()
	ctx := context.Background()
	var key vault.DataKey
	err := e.DB.Read(ctx, func(tx purse.Tx) error {
		var err error
		key, err = e.App.Accounts.DataKey(ctx, tx, accountID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, e, `INSERT INTO cards (id, account_id, bank, number_sealed, holder_sealed, last4, status, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, purse.NewID(), accountID, "ICBC", key.Seal("card_number", number),
		key.Seal("card_holder", holder), number[len(number)-4:], "unbound", e.Clock.Now().UnixMicro())
}

func account(t *testing.T, e *apitest.Env, id string) *purse.AccountRecord {
	t.Helper()
	var a *purse.AccountRecord
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		a, err = tx.Account(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// posting is one leg of a fixture transaction.
type posting struct {
	owner  string
	book   purse.Book
	amount int64
}

// transact writes a settled, balanced ledger transaction the way the ledger engine does.
func transact(t *testing.T, e *apitest.Env, kind, accountID string, legs ...posting) string {
	t.Helper()
	id := purse.NewID()
	now := e.Clock.Now().UnixMicro()
	var amount int64
	for _, l := range legs {
		if l.amount > 0 {
			amount += l.amount
		}
	}
	exec(t, e, `INSERT INTO ledger_transactions (id, kind, status, account_id, amount, currency, created_at, settled_at)
		VALUES (?,?,?,?,?,?,?,?)`, id, kind, "settled", accountID, amount, "CNY", now, now)
	for _, l := range legs {
		exec(t, e, `INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
			VALUES (?,?,?,?,?,?)`, id, l.owner, string(l.book), "CNY", l.amount, now)
	}
	return id
}

func run(t *testing.T, e *apitest.Env, name string) int {
	t.Helper()
	for _, task := range e.App.Lifecycle.Tasks() {
		if task.Name == name {
			var failed error
			task.Run = wrapErr(task.Run, &failed)
			n := jobs.RunOnce(context.Background(), task, nil)
			if failed != nil {
				t.Fatalf("%s: %v", name, failed)
			}
			return n
		}
	}
	t.Fatalf("no task %s", name)
	return 0
}

func wrapErr(f func(context.Context) (int, error), into *error) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		n, err := f(ctx)
		if err != nil {
			*into = err
		}
		return n, err
	}
}

const day = 24 * time.Hour
