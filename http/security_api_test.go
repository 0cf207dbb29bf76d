package http_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// credentials reads the stored hashes and failure counts of an account, to show that a refused
// change changed nothing.
func credentials(t *testing.T, e *apitest.Env, id string) purse.AccountRecord {
	t.Helper()
	var rec *purse.AccountRecord
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		rec, err = tx.Account(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return *rec
}

func signedIn(t *testing.T, e *apitest.Env, header []string) bool {
	t.Helper()
	r := e.Call("GET", "/api/v1/me", nil, header...)
	if r.Status != 200 && r.Status != 401 {
		t.Fatalf("GET /me: %d %s", r.Status, r.Body)
	}
	return r.Status == 200
}

func hasAction(actions []string, want string) bool {
	for _, a := range actions {
		if a == want {
			return true
		}
	}
	return false
}

// PW-6, GE-7, IM-8: a new login password signs out every other device, keeps the caller's
// session, and tells the owner by e-mail.
func TestChangePassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp(fmt.Sprintf("pw-%s@example.com", e.Dialect))
		mine := u.Header()
		other := e.SignIn(u)

		e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": u.Password,
			"new_password": "a brand new secret"}, mine...).Expect(t, 204)

		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).
			ExpectProblem(t, 401, "LOGIN_FAILED")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": "a brand new secret"}).
			Expect(t, 201)
		if signedIn(t, e, other) {
			t.Error("the other session still works after the password change")
		}
		if !signedIn(t, e, mine) {
			t.Error("the caller's own session was signed out")
		}
		msgs := messagesTo(t, e, u.Email)
		if len(msgs) != 1 || msgs[0].Template != "security_changed" || msgs[0].Channel != purse.ChannelEmail {
			t.Fatalf("outbox to %s: %+v", u.Email, msgs)
		}
		if !hasAction(auditActions(t, e, u.ID), "account.password.change") {
			t.Error("the change is not audited")
		}
	})
}

func TestChangePasswordRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp(fmt.Sprintf("pw-refused-%s@example.com", e.Dialect))
		mine := u.Header()
		other := e.SignIn(u)
		before := credentials(t, e, u.ID)
		unchanged := func(t *testing.T) {
			t.Helper()
			if after := credentials(t, e, u.ID); after.PasswordHash != before.PasswordHash {
				t.Error("the password hash changed")
			}
			if !signedIn(t, e, other) || !signedIn(t, e, mine) {
				t.Error("a refused change signed a session out")
			}
			if msgs := messagesTo(t, e, u.Email); len(msgs) != 0 {
				t.Errorf("a refused change sent %d notices", len(msgs))
			}
		}

		t.Run("unauthenticated", func(t *testing.T) {
			e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": u.Password,
				"new_password": "a brand new secret"}).ExpectProblem(t, 401, "UNAUTHENTICATED")
			unchanged(t)
		})
		t.Run("weak new", func(t *testing.T) {
			p := e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": u.Password,
				"new_password": "short"}, mine...).ExpectProblem(t, 422, "PASSWORD_TOO_SHORT")
			if len(p.Errors) != 1 || p.Errors[0]["field"] == nil {
				t.Errorf("field errors %v", p.Errors)
			}
			unchanged(t)
		})
		t.Run("wrong current then locked", func(t *testing.T) {
			for i := 1; i < 5; i++ {
				e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": "not the password",
					"new_password": "a brand new secret"}, mine...).ExpectProblem(t, 422, "PASSWORD_WRONG")
			}
			e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": "not the password",
				"new_password": "a brand new secret"}, mine...).ExpectProblem(t, 423, "LOGIN_LOCKED")
			// The lock is the sign-in lock: the right password is refused too, and so is signing in.
			e.Call("PUT", "/api/v1/me/password", map[string]any{"current_password": u.Password,
				"new_password": "a brand new secret"}, mine...).ExpectProblem(t, 423, "LOGIN_LOCKED")
			e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).
				ExpectProblem(t, 423, "LOGIN_LOCKED")
			unchanged(t)
			if !hasAction(auditActions(t, e, u.ID), "account.password.change_failed") {
				t.Error("the failed tries are not audited")
			}
		})
	})
}

// The payment password changes after the current one is checked (TP-4); the old one stops
// working; the owner without an e-mail is told by SMS (IM-8).
func TestChangePaymentPassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("")
		e.Call("PUT", "/api/v1/me/payment-password", map[string]any{"current_payment_password": u.PaymentPassword,
			"new_payment_password": "246801"}, u.Header()...).Expect(t, 204)
		e.Call("PUT", "/api/v1/me/payment-password", map[string]any{"current_payment_password": u.PaymentPassword,
			"new_payment_password": "975318"}, u.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		e.Call("PUT", "/api/v1/me/payment-password", map[string]any{"current_payment_password": "246801",
			"new_payment_password": "975318"}, u.Header()...).Expect(t, 204)
		msgs := messagesTo(t, e, u.Phone)
		if len(msgs) != 2 || msgs[0].Template != "security_changed" || msgs[0].Channel != purse.ChannelSMS {
			t.Fatalf("outbox to %s: %+v", u.Phone, msgs)
		}
		if !hasAction(auditActions(t, e, u.ID), "account.payment_password.change") {
			t.Error("the change is not audited")
		}
	})
}

func TestChangePaymentPasswordRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("")
		before := credentials(t, e, u.ID)
		unchanged := func(t *testing.T) {
			t.Helper()
			if after := credentials(t, e, u.ID); after.PaymentPasswordHash != before.PaymentPasswordHash {
				t.Error("the payment password hash changed")
			}
			if msgs := messagesTo(t, e, u.Phone); len(msgs) != 0 {
				t.Errorf("a refused change sent %d notices", len(msgs))
			}
		}
		change := func(current, next string, header ...string) *apitest.Response {
			return e.Call("PUT", "/api/v1/me/payment-password", map[string]any{
				"current_payment_password": current, "new_payment_password": next}, header...)
		}
		t.Run("unauthenticated", func(t *testing.T) {
			change(u.PaymentPassword, "246801").ExpectProblem(t, 401, "UNAUTHENTICATED")
			unchanged(t)
		})
		t.Run("weak new", func(t *testing.T) {
			for _, weak := range []string{"123456", "111111", "12345", "abcdef"} {
				change(u.PaymentPassword, weak, u.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WEAK")
			}
			unchanged(t)
		})
		t.Run("new equals current", func(t *testing.T) {
			change(u.PaymentPassword, u.PaymentPassword, u.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WEAK")
			unchanged(t)
		})
		t.Run("wrong current then locked", func(t *testing.T) {
			for i := 1; i < 5; i++ {
				change("975318", "246801", u.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
			}
			change("975318", "246801", u.Header()...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
			change(u.PaymentPassword, "246801", u.Header()...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
			unchanged(t)
		})
	})
}

// GE-7: signing out other devices keeps the caller's session and answers how many ended.
func TestSignOutOthers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp(fmt.Sprintf("others-%s@example.com", e.Dialect))
		first := u.Header()
		second := e.SignIn(u)
		mine := e.SignIn(u)

		e.Call("DELETE", "/api/v1/sessions/others", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		if !signedIn(t, e, first) || !signedIn(t, e, second) {
			t.Fatal("an unauthenticated call signed sessions out")
		}
		if msgs := messagesTo(t, e, u.Email); len(msgs) != 0 {
			t.Fatalf("an unauthenticated call sent %d notices", len(msgs))
		}

		var out struct{ Revoked int }
		e.Call("DELETE", "/api/v1/sessions/others", nil, mine...).Expect(t, 200).JSON(t, &out)
		if out.Revoked != 2 {
			t.Errorf("revoked %d, want 2", out.Revoked)
		}
		if signedIn(t, e, first) || signedIn(t, e, second) {
			t.Error("another session still works")
		}
		if !signedIn(t, e, mine) {
			t.Error("the caller was signed out")
		}
		e.Call("DELETE", "/api/v1/sessions/others", nil, mine...).Expect(t, 200).JSON(t, &out)
		if out.Revoked != 0 {
			t.Errorf("second call revoked %d, want 0", out.Revoked)
		}
		if msgs := messagesTo(t, e, u.Email); len(msgs) != 1 || msgs[0].Template != "security_changed" {
			t.Errorf("outbox: %+v", msgs)
		}
		if !hasAction(auditActions(t, e, u.ID), "account.sessions.revoke_others") {
			t.Error("not audited")
		}
	})
}
