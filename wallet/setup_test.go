package wallet_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/wallet"
)

// bundle is what the package's tests need: the wallet service of a fresh server (whose accounts
// service signs users up), with its store and clock, on one store.
type bundle struct {
	*apitest.Env
	svc *wallet.Service
	ctx context.Context
}

// setup runs fn with a fresh bundle on each store, SQLite and PostgreSQL.
func setup(t *testing.T, fn func(t *testing.T, b *bundle), opts ...apitest.Option) {
	t.Helper()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		fn(t, &bundle{Env: e, svc: e.App.Wallet, ctx: context.Background()})
	}, opts...)
}

const testCard = "6222 0212 3456 7890 128"

// funded signs up an account, switches its password-free small payments on and tops its balance
// up by amount fen from a bound card.
func (b *bundle) funded(t *testing.T, amount int64) string {
	t.Helper()
	id := b.SignUp("").ID
	b.SmallPaymentsFor(id)
	if _, err := b.svc.Topup(b.ctx, id, b.BindCard(id), amount); err != nil {
		t.Fatal(err)
	}
	return id
}

// balance is the account's main book in fen.
func (b *bundle) balance(t *testing.T, id string) int64 {
	t.Helper()
	bs, err := b.svc.Balances(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range bs {
		if x.Book == purse.BookMain {
			return x.Amount
		}
	}
	return 0
}
