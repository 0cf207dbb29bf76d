package blocker_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/blocker"
)

// bundle is what the package's tests need: the blocker service of a fresh server (whose accounts
// service signs users up), with its store and clock, on one store.
type bundle struct {
	*apitest.Env
	svc *blocker.Service
	ctx context.Context
}

// setup runs fn with a fresh bundle on each store, SQLite and PostgreSQL.
func setup(t *testing.T, fn func(t *testing.T, b *bundle)) {
	t.Helper()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		fn(t, &bundle{Env: e, svc: e.App.Blockers, ctx: context.Background()})
	})
}

// status reads the account's status.
func (b *bundle) status(t *testing.T, id string) purse.AccountStatus {
	t.Helper()
	var rec *purse.AccountRecord
	if err := b.DB.Read(b.ctx, func(tx purse.Tx) (err error) { rec, err = tx.Account(b.ctx, id); return err }); err != nil {
		t.Fatal(err)
	}
	return rec.Status
}

// audited counts the account's audit events of the action.
func (b *bundle) audited(t *testing.T, id, action string) int {
	t.Helper()
	var es []*purse.AuditEvent
	if err := b.DB.Read(b.ctx, func(tx purse.Tx) (err error) { es, err = tx.AuditEvents(b.ctx, id, purse.AuditPos{}, 1000); return err }); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == action {
			n++
		}
	}
	return n
}
