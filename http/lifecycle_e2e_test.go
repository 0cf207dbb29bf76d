package http_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/audit"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/vault"
)

// TestClosureToCryptoShredding is issue 5's done-when in one story, on both stores: the demo's
// e-mail account closes under the strict policy; the closure leaves a verifiable audit chain and an
// e-mail delivered over real SMTP (an in-process server); after the cooling-off week and the
// 30-day retention period (an advanced clock) the account is purged and its personal data can no
// longer be decrypted by anyone, the operator included, while the chain still verifies.
func TestClosureToCryptoShredding(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		mb := e.Mailbox()
		u := demoUser(t, e, "13800000013")

		f := start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "email_confirmation" {
			t.Fatalf("strict asks for the e-mail link after the code: %+v", f)
		}
		f = ct.Decode(t, e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200))
		if f.State == "review" {
			f = post(t, e, u, f.ID, "submit", nil, 200)
		}
		if f.State != "cooling_off" {
			t.Fatalf("strict keeps a week of cooling-off: %+v", f)
		}
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		e.RunJobs() // the cooling-off ends, the account closes, the result e-mail goes out
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
			t.Fatalf("after the cooling-off: %s", st)
		}

		// A delivered e-mail, to the account's address, in its language.
		var result *string
		for _, m := range mb.Messages(t) {
			if strings.Contains(m.Header.Get("To"), u.Email) && strings.Contains(m.Body, "注销") {
				b := m.Body
				result = &b
			}
		}
		if result == nil {
			t.Fatalf("no closure e-mail reached %s over SMTP (%d messages)", u.Email, len(mb.Received()))
		}
		if broken, err := audit.Verify(ctx, e.DB); err != nil || broken != 0 {
			t.Fatalf("the audit chain after the closure: broken at %d, %v", broken, err)
		}
		sealed := sealedPhone(t, e, u.ID)
		if len(sealed) == 0 {
			t.Fatal("no sealed phone before the purge: the test would prove nothing")
		}

		// Thirty days later (GE-8) the purge notifies, then shreds.
		e.Clock.Advance(30*24*time.Hour + time.Hour)
		for i := 0; i < 3; i++ {
			e.RunJobs()
			e.Clock.Advance(time.Hour)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusPurged {
			t.Fatalf("after the retention period: %s", st)
		}
		err := e.DB.Read(ctx, func(tx purse.Tx) error {
			k, err := tx.DataKey(ctx, u.ID)
			if err != nil {
				return err
			}
			if _, err := e.App.Vault.Unwrap(u.ID, k.Wrapped); !errors.Is(err, vault.ErrShredded) {
				t.Errorf("the data key still unwraps: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := sealedPhone(t, e, u.ID); len(after) != 0 && bytes.Equal(after, sealed) {
			t.Fatal("the sealed phone is still stored")
		}
		a, err := e.App.Accounts.Get(ctx, u.ID)
		if err != nil || a.Phone != "" || a.Email != "" || a.Name != "" {
			t.Fatalf("the purged account still reads as %+v (%v)", a, err)
		}
		// The old login is now unknown, and the chain, with its pseudonymous ids, still verifies.
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 401, "LOGIN_FAILED")
		if broken, err := audit.Verify(ctx, e.DB); err != nil || broken != 0 {
			t.Fatalf("the audit chain after the purge: broken at %d, %v", broken, err)
		}
	})
}

func sealedPhone(t *testing.T, e *apitest.Env, id string) []byte {
	t.Helper()
	var sealed []byte
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		rec, err := tx.Account(context.Background(), id)
		if err == nil {
			sealed = rec.PhoneSealed
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}
