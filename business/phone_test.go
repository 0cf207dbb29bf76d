package business_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/business"
)

// A phone change completes with the code sent to the new phone; a wrong code spends a try and
// says how many remain. The account then holds the new phone (taking it again answers
// PHONE_TAKEN), and the old phone is told.
func TestPhoneChangeCompletesWithItsCode(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		u := b.SignUp("")
		phone := apitest.NextPhone()
		f, err := b.svc.StartPhoneChange(b.ctx, u.ID, phone)
		if err != nil {
			t.Fatal(err)
		}
		code := b.code(t, phone, string(purse.BusinessPhoneChange))
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		_, err = b.svc.ConfirmPhoneChange(b.ctx, u.ID, f.ID, wrong)
		if e := purse.AsError(err); e == nil || e.Code != business.CodeOTPInvalid || e.Params["Remaining"] != business.MaxAttempts-1 {
			t.Fatalf("wrong code: %v", err)
		}
		done, err := b.svc.ConfirmPhoneChange(b.ctx, u.ID, f.ID, code)
		if err != nil || done.Status != "completed" {
			t.Fatalf("right code: %+v, %v", done, err)
		}
		if n := b.sent(t, u.Phone, "phone_changed"); n != 1 {
			t.Fatalf("%d notices to the old phone, want 1", n)
		}
		if _, err := b.svc.StartPhoneChange(b.ctx, u.ID, phone); purse.ErrorCode(err) != purse.CodePhoneTaken {
			t.Fatalf("the new phone again: %v, want PHONE_TAKEN", err)
		}
		if _, err := b.svc.ConfirmPhoneChange(b.ctx, u.ID, f.ID, code); purse.ErrorCode(err) != business.CodeOTPExpired {
			t.Fatalf("the code a second time: %v, want OTP_EXPIRED", err)
		}
	})
}

// The last wrong try ends the flow, after which even the right code is refused; a new start
// supersedes a pending flow; and a closing account starts nothing (ACCOUNT_CLOSING).
func TestWrongCodesEndTheFlow(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		u := b.SignUp("")
		phone := apitest.NextPhone()
		old, err := b.svc.StartPhoneChange(b.ctx, u.ID, phone)
		if err != nil {
			t.Fatal(err)
		}
		f, err := b.svc.StartPhoneChange(b.ctx, u.ID, phone)
		if err != nil {
			t.Fatal(err)
		}
		flows, err := b.svc.List(b.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range flows {
			if x.ID == old.ID && x.Status != "cancelled" {
				t.Fatalf("the superseded flow is %s, want cancelled", x.Status)
			}
		}
		code := b.code(t, phone, string(purse.BusinessPhoneChange))
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 1; i <= business.MaxAttempts; i++ {
			_, err := b.svc.ConfirmPhoneChange(b.ctx, u.ID, f.ID, wrong)
			want := business.CodeOTPInvalid
			if i == business.MaxAttempts {
				want = business.CodeOTPExpired
			}
			if purse.ErrorCode(err) != want {
				t.Fatalf("wrong code %d: %v, want %s", i, err, want)
			}
		}
		if _, err := b.svc.ConfirmPhoneChange(b.ctx, u.ID, f.ID, code); purse.ErrorCode(err) != business.CodeOTPExpired {
			t.Fatalf("the right code after the last try: %v, want OTP_EXPIRED", err)
		}
		b.SetStatus(t, u.ID, purse.StatusClosing)
		if _, err := b.svc.StartPhoneChange(b.ctx, u.ID, apitest.NextPhone()); purse.ErrorCode(err) != purse.CodeAccountClosing {
			t.Fatalf("a phone change on a closing account: %v, want ACCOUNT_CLOSING", err)
		}
	})
}
