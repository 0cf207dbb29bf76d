package http_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/wallet"
)

// The operator reads each of its books as one figure, the sum of its sub-books (issue 19): after
// top-ups of two accounts the bank book holds the other side of both, on both stores.
func TestAdminOperatorBooksAreSummed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		a, b := e.SignUp(""), e.SignUp("")
		ca, cb := e.BindCard(a.ID), e.BindCard(b.ID)
		for i := range 3 {
			if _, err := e.App.Wallet.Topup(ctx, a.ID, ca, int64(100+i)); err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.Wallet.Topup(ctx, b.ID, cb, int64(1000+i)); err != nil {
				t.Fatal(err)
			}
		}
		res := e.Call("GET", "/api/v1/admin/ledger/operator-books", nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200)
		var books []wallet.OperatorBook
		if err := json.Unmarshal(res.Body, &books); err != nil {
			t.Fatal(err)
		}
		want := wallet.OperatorBook{Owner: purse.OwnerBank, Currency: purse.CNY, Amount: -(100 + 101 + 102 + 1000 + 1001 + 1002)}
		if len(books) != 1 || books[0] != want {
			t.Fatalf("operator books = %+v, want [%+v]", books, want)
		}
	})
}
