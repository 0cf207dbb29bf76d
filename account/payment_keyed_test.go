package account_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/secret"
)

func record(t *testing.T, e *apitest.Env, id string) *purse.AccountRecord {
	t.Helper()
	var rec *purse.AccountRecord
	if err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) { rec, err = tx.Account(context.Background(), id); return err }); err != nil {
		t.Fatal(err)
	}
	return rec
}

// setVerifier writes a payment-password verifier as an older purse left it.
func setVerifier(t *testing.T, e *apitest.Env, id, verifier string) {
	t.Helper()
	ctx := context.Background()
	if err := e.DB.Tx(ctx, func(tx purse.Tx) error {
		rec, err := tx.AccountForUpdate(ctx, id)
		if err != nil {
			return err
		}
		rec.PaymentPasswordHash = verifier
		return tx.UpdateAccount(ctx, rec)
	}); err != nil {
		t.Fatal(err)
	}
}

// Issue 19: a payment password is stored as a keyed hash, not argon2id (a payment cost as much as
// a sign-in), while the login password keeps argon2id; a changed payment password too.
func TestPaymentPasswordIsKeyedLoginPasswordIsNot(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		rec := record(t, e, u.ID)
		if !strings.HasPrefix(rec.PaymentPasswordHash, "$pin-hmac-sha256$") {
			t.Fatalf("payment password stored as %.20q…, want a keyed hash", rec.PaymentPasswordHash)
		}
		if !strings.HasPrefix(rec.PasswordHash, "$argon2id$") {
			t.Fatalf("login password stored as %.20q…, want argon2id", rec.PasswordHash)
		}
		if err := e.App.Accounts.ChangePaymentPassword(context.Background(), u.ID, u.PaymentPassword, "246813"); err != nil {
			t.Fatal(err)
		}
		if after := record(t, e, u.ID).PaymentPasswordHash; !strings.HasPrefix(after, "$pin-hmac-sha256$") || after == rec.PaymentPasswordHash {
			t.Fatalf("changed payment password stored as %.20q…", after)
		}
	})
}

// An argon2id verifier from before keyed hashes: a wrong PIN is counted and leaves it as it is; the
// right PIN passes and replaces it with a keyed one, which then verifies the same PIN. A proof that
// may not run argon2id in its transaction answers ErrSlowPaymentPassword and writes nothing.
func TestPaymentPasswordArgon2idUpgradedOnNextRightPIN(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		u := e.SignUp("")
		old, err := e.App.Hasher.Hash(ctx, u.PaymentPassword)
		if err != nil {
			t.Fatal(err)
		}
		setVerifier(t, e, u.ID, old)
		check := func(p *account.PaymentPasswordProof) error {
			return e.DB.Tx(ctx, func(tx purse.Tx) error { return e.App.Accounts.CheckPaymentPasswordProof(ctx, tx, p) })
		}
		for _, pin := range []string{u.PaymentPassword, "246802"} {
			if err := check(e.App.Accounts.NewPaymentPasswordProof(u.ID, pin)); !errors.Is(err, account.ErrSlowPaymentPassword) {
				t.Fatalf("in-transaction proof on an argon2id verifier: %v", err)
			}
		}
		if rec := record(t, e, u.ID); rec.PaymentPasswordHash != old || rec.PayFailures != 0 {
			t.Fatalf("the refused proofs wrote: failures %d, verifier changed %v", rec.PayFailures, rec.PaymentPasswordHash != old)
		}
		if c := purse.ErrorCode(e.DB.Tx(ctx, func(tx purse.Tx) error {
			return e.App.Accounts.CheckPaymentPassword(ctx, tx, u.ID, "246802")
		})); c != account.CodePaymentPasswordWrong {
			t.Fatalf("wrong PIN on the argon2id verifier: %s", c)
		}
		if rec := record(t, e, u.ID); rec.PaymentPasswordHash != old || rec.PayFailures != 1 {
			t.Fatalf("after a wrong PIN: failures %d, verifier changed %v", rec.PayFailures, rec.PaymentPasswordHash != old)
		}
		p, err := e.App.Accounts.ProvePaymentPassword(ctx, record(t, e, u.ID), u.PaymentPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(p); err != nil {
			t.Fatalf("right PIN on the argon2id verifier: %v", err)
		}
		rec := record(t, e, u.ID)
		if !strings.HasPrefix(rec.PaymentPasswordHash, "$pin-hmac-sha256$") || rec.PayFailures != 0 {
			t.Fatalf("after the right PIN: verifier %.20q…, failures %d", rec.PaymentPasswordHash, rec.PayFailures)
		}
		if err := check(e.App.Accounts.NewPaymentPasswordProof(u.ID, u.PaymentPassword)); err != nil {
			t.Fatalf("right PIN on the upgraded verifier: %v", err)
		}
		if c := purse.ErrorCode(check(e.App.Accounts.NewPaymentPasswordProof(u.ID, "246802"))); c != account.CodePaymentPasswordWrong {
			t.Fatalf("wrong PIN on the upgraded verifier: %s", c)
		}
		if n := record(t, e, u.ID).PayFailures; n != 1 {
			t.Fatalf("the wrong PIN on the upgraded verifier was not counted: %d", n)
		}
	})
}

// What a database dump holds of a payment password cannot be brute-forced without the operator's
// key: the stored verifier checks only with the key derived from the master key, which is not in
// the database. Trying every PIN against the dump's salt and MAC under any other key finds
// nothing, while the same search with the operator's key finds the PIN at once. (-short searches a
// window of 20,000 PINs around it.)
func TestPaymentPasswordDumpCannotBeBruteForcedWithoutTheKey(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		u := e.SignUp("")
		dump := record(t, e, u.ID).PaymentPasswordHash
		lo, hi := 0, 1_000_000
		if testing.Short() {
			lo, hi = 125_000, 145_000 // holds 135790, the PIN apitest signs up with
		}
		search := func(p *secret.PINs, verifier string) []string {
			var hits []string
			for n := lo; n < hi; n++ {
				guess := fmt.Sprintf("%06d", n)
				if ok, err := p.Verify(ctx, verifier, u.ID, guess); err != nil {
					t.Fatal(err)
				} else if ok {
					hits = append(hits, guess)
				}
			}
			return hits
		}
		operator, err := secret.NewPINs(secret.KeyFromMaster(apitest.MasterKey), nil)
		if err != nil {
			t.Fatal(err)
		}
		if hits := search(operator, dump); len(hits) != 1 || hits[0] != u.PaymentPassword {
			t.Fatalf("with the operator's key the search found %v", hits)
		}
		attacker, err := secret.NewPINs(secret.KeyFromMaster(bytes.Repeat([]byte{0xa7}, 32)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := attacker.Verify(ctx, dump, u.ID, u.PaymentPassword); !errors.Is(err, secret.ErrPINKeyUnknown) {
			t.Fatalf("another key on the dump: %v", err)
		}
		own := strings.Split(attacker.Hash(u.ID, "000000"), "$")
		forged := strings.Join(append(own[:4], strings.Split(dump, "$")[4:]...), "$")
		if hits := search(attacker, forged); len(hits) != 0 {
			t.Fatalf("without the operator's key the search found %v", hits)
		}
	})
}
