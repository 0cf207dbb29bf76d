package closuretest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
)

// CoolingOff takes a fresh account with an e-mail through the strict flow to cooling-off by the
// services, as the wizard does: agreement, rights, payment password and SMS code, e-mail link,
// submit. It returns the user and the request's id. The server must run the strict policy.
func CoolingOff(t testing.TB, e *apitest.Env) (*apitest.User, string) {
	t.Helper()
	ctx := context.Background()
	u := e.SignUp(apitest.NextPhone() + "@example.com")
	s := e.App.Closures
	f, err := s.Start(ctx, u.ID, closure.Env{})
	if err != nil {
		t.Fatal(err)
	}
	id := f.Request.ID
	if _, err = s.Accept(ctx, u.ID, id, true, closure.Env{}); err == nil {
		_, err = s.ConfirmRights(ctx, u.ID, id, true)
	}
	if err == nil {
		_, err = s.SendCode(ctx, u.ID, id, purse.ChannelSMS)
	}
	if err == nil {
		_, err = s.Verify(ctx, u.ID, id, closure.Answers{PaymentPassword: u.PaymentPassword, SMSCode: Code(t, e, u.Phone)})
	}
	if err == nil {
		_, err = s.ConfirmLink(ctx, Link(t, e, u.Email))
	}
	if err == nil {
		f, err = s.Submit(ctx, u.ID, id)
	}
	if err != nil || f.Request.State != purse.ClosureCoolingOff {
		t.Fatalf("to cooling-off: %v", err)
	}
	return u, id
}
