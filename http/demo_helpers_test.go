package http_test

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/demo"
)

var seeded sync.Map // *apitest.Env → struct{}

// demoUser seeds the demo accounts of `purse serve --demo` into the environment (once) and signs in
// as the one with the phone, so that the seed flows run on the accounts an operator tries first.
func demoUser(t *testing.T, e *apitest.Env, phone string) *apitest.User {
	t.Helper()
	if _, done := seeded.LoadOrStore(e, struct{}{}); !done {
		if err := demo.Seed(context.Background(), e.App, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	u := &apitest.User{Phone: phone, Password: demo.Password, PaymentPassword: demo.PaymentPassword}
	for _, d := range demo.Accounts {
		if d.Phone == phone {
			u.Email = d.Email
		}
	}
	var me struct {
		ID string `json:"id"`
	}
	e.Call("GET", "/api/v1/me", nil, e.SignIn(u)...).Expect(t, 200).JSON(t, &me)
	u.ID = me.ID
	return u
}
