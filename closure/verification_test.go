package closure_test

import (
	"context"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/closuretest"
)

// The verification step compares the payment password inside its transaction with the keyed hash
// (issue 19); an account whose verifier is still an argon2id one from an older purse gets the
// comparison made outside instead (TP-4): a wrong PIN is refused and counted, the right one passes
// the factor and leaves a keyed verifier, on both stores.
func TestVerificationWithAnArgon2idPaymentPassword(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		s := e.App.Closures
		u := e.SignUp("")
		old, err := e.App.Hasher.Hash(ctx, u.PaymentPassword)
		if err != nil {
			t.Fatal(err)
		}
		verifier := func() *purse.AccountRecord {
			var rec *purse.AccountRecord
			if err := e.DB.Read(ctx, func(tx purse.Tx) (err error) { rec, err = tx.Account(ctx, u.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return rec
		}
		if err := e.DB.Tx(ctx, func(tx purse.Tx) error {
			rec, err := tx.AccountForUpdate(ctx, u.ID)
			if err != nil {
				return err
			}
			rec.PaymentPasswordHash = old
			return tx.UpdateAccount(ctx, rec)
		}); err != nil {
			t.Fatal(err)
		}
		f, err := s.Start(ctx, u.ID, closure.Env{})
		if err != nil {
			t.Fatal(err)
		}
		id := f.Request.ID
		if _, err := s.Accept(ctx, u.ID, id, true, closure.Env{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmRights(ctx, u.ID, id, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendCode(ctx, u.ID, id, purse.ChannelSMS); err != nil {
			t.Fatal(err)
		}
		_, err = s.Verify(ctx, u.ID, id, closure.Answers{PaymentPassword: "246802"})
		if purse.ErrorCode(err) != "PAYMENT_PASSWORD_WRONG" {
			t.Fatalf("wrong PIN: %v", err)
		}
		if rec := verifier(); rec.PaymentPasswordHash != old || rec.PayFailures != 1 {
			t.Fatalf("after a wrong PIN: failures %d, verifier changed %v", rec.PayFailures, rec.PaymentPasswordHash != old)
		}
		f, err = s.Verify(ctx, u.ID, id, closure.Answers{PaymentPassword: u.PaymentPassword, SMSCode: closuretest.Code(t, e, u.Phone)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(f.Request.Factors, ","), closure.FactorPaymentPassword) {
			t.Fatalf("factors passed %v", f.Request.Factors)
		}
		if rec := verifier(); !strings.HasPrefix(rec.PaymentPasswordHash, "$pin-hmac-sha256$") || rec.PayFailures != 0 {
			t.Fatalf("after the right PIN: verifier %.20q…, failures %d", rec.PaymentPasswordHash, rec.PayFailures)
		}
	}, closuretest.WithPolicy(t, "tenpay"))
}
