package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestClosureImwalletEmailLink closes an account under the imwallet preset (IM-2): SMS code,
// then the "check your e-mail" page, and the closure is finished by opening the link the e-mail
// carries (read from the dev outbox) and confirming on the page it opens.
func TestClosureImwalletEmailLink(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "imwallet"))
	u := e.SignUp(apitest.NextPhone() + "@example.com")
	b := New(t, e)
	signIn(b, u)
	id := agree(b)
	b.Click("#f-confirm")
	b.Click("#rights-next")
	b.Expect("#verify-h", "验证身份")
	if b.Has("#f-payment_password") {
		t.Fatal("imwallet asks no payment password")
	}
	b.Click("#send-sms")
	b.Shot("verification")
	b.Fill("#f-sms_code", ct.Code(t, e, u.Phone))
	b.Click("#verify-next")
	b.Expect("#mail-h", "请查收确认邮件")
	b.Shot("check-email")

	// The e-mail's link names the configured public address; open its path on this server.
	b.Open("/closure/confirm?token=" + ct.Link(t, e, u.Email))
	b.Expect("#confirm-h", "确认注销账户")
	b.Shot("email-link")
	if s := e.ClosureState(t, id); s != purse.ClosureEmailConfirm {
		t.Fatalf("opening the link alone moved the request to %s", s)
	}
	b.Click("#confirm-link")
	b.Expect("#result-h", "账户已注销")
	b.Shot("closed")
	if s := e.ClosureState(t, id); s != purse.ClosureClosed {
		t.Fatalf("state %s, want closed", s)
	}
}
