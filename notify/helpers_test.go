package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/sqlstore"
)

var (
	ctx       = context.Background()
	smsSecret = []byte("sms secret for tests")
	hookKey   = []byte("platform secret for tests")
)

type env struct {
	db  *sqlstore.DB
	clk *clock.Fixed
	cat *i18n.Catalog
}

func newEnv(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) *env {
	t.Helper()
	cat, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, clk: clk, cat: cat}
}

func (e *env) enqueue(t *testing.T, ch purse.Channel, to, lang, note string) *purse.Message {
	t.Helper()
	var m *purse.Message
	err := e.db.Tx(ctx, func(tx purse.Tx) error {
		var err error
		m, err = notify.Enqueue(ctx, tx, e.cat, notify.Notice{AccountID: "acct-1", Channel: ch, To: to,
			Template: "test_notice", Language: lang, Data: map[string]string{"Note": note}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) message(t *testing.T, id string) *purse.Message {
	t.Helper()
	var m *purse.Message
	if err := e.db.Read(ctx, func(tx purse.Tx) error {
		var err error
		m, err = tx.Message(ctx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// sender reads the column the store keeps but purse.Message does not carry. Ids are UUIDs, so
// inlining one is safe.
func (e *env) sender(t *testing.T, id string) string {
	t.Helper()
	var s string
	if err := e.db.SQL().QueryRow(`SELECT sender FROM outbox WHERE id = '` + id + `'`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) worker(senders map[purse.Channel]notify.Sender) *notify.Worker {
	return &notify.Worker{Store: e.db, Senders: senders, MaxAttempts: 3}
}

func run(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
