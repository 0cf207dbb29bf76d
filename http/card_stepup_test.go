package http_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/verify"
)

// verifiedUser registers a verified (real-name) account holding name and signs it in through the
// API: verification is an operator's act, not something a client can ask for.
func verifiedUser(t *testing.T, e *apitest.Env, name string) *apitest.User {
	t.Helper()
	u := &apitest.User{Phone: apitest.NextPhone(), Password: "correct horse", PaymentPassword: "135790"}
	a, err := e.App.Accounts.Register(context.Background(), account.Registration{Phone: u.Phone, Password: u.Password,
		PaymentPassword: u.PaymentPassword, Name: name, Kind: purse.KindVerified})
	if err != nil {
		t.Fatal(err)
	}
	u.ID = a.ID
	e.SignIn(u)
	return u
}

// TestStolenSessionCannotBindACardAndWithdraw reproduces issue 13: a session token alone bound a
// card in another person's name and withdrew 20,000.00 to it with no payment password. Now binding
// needs the payment password (counted toward its lock), the holder's name must be the verified
// account's real name, and an SMS code sent to the bound phone; a withdrawal needs the payment
// password. Nothing moves and nothing binds on any of the refusals.
func TestStolenSessionCannotBindACardAndWithdraw(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		victim := verifiedUser(t, e, "王芳")
		own := bindCardAs(t, e, victim, "王 芳") // spacing is not a different name
		topup(t, e, victim, own, 2_000_000)
		stolen := victim.Header() // all the attacker has

		bind := func(body map[string]any) *apitest.Response {
			b := map[string]any{"bank": "ICBC", "card_number": "4111 1111 1111 1111", "holder_name": "李四"}
			for k, v := range body {
				b[k] = v
			}
			return e.Call("POST", "/api/v1/cards", b, stolen...)
		}
		bind(nil).ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		p := bind(map[string]any{"payment_password": "000000"}).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		if p.Detail == "" {
			t.Fatal("no message")
		}
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": own, "amount": 2_000_000}, stolen...).
			ExpectProblem(t, 403, "PAYMENT_PASSWORD_REQUIRED")
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": own, "amount": 2_000_000, "payment_password": "000000"},
			stolen...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")

		// Even with the payment password (shoulder-surfed), the card must be in the holder's name…
		pin := victim.PaymentPassword
		bind(map[string]any{"payment_password": pin}).ExpectProblem(t, 422, "CARD_HOLDER_MISMATCH")
		// …and an SMS code that went to the victim's phone, not to the attacker.
		bind(map[string]any{"payment_password": pin, "holder_name": "王芳"}).ExpectProblem(t, 403, "SMS_CODE_REQUIRED")
		e.Clock.Advance(verify.ResendAfter)
		e.Call("POST", "/api/v1/cards/codes", nil, stolen...).Expect(t, 201)
		code := lastCode(t, e, victim.Phone)
		bind(map[string]any{"payment_password": pin, "holder_name": "王芳", "sms_code": wrong(code)}).
			ExpectProblem(t, 422, "OTP_INVALID")

		var cards struct{ Cards []struct{ ID string } }
		e.Call("GET", "/api/v1/cards", nil, stolen...).Expect(t, 200).JSON(t, &cards)
		if len(cards.Cards) != 1 || cards.Cards[0].ID != own {
			t.Fatalf("cards now %+v", cards.Cards)
		}
		if got := books(t, e, victim)["balance/CNY"]; got != 2_000_000 {
			t.Fatalf("balance %d: money left", got)
		}
		// Wrong payment passwords sent to bind count toward the lock (the right one above reset
		// the count, as a right one does), and a locked one stops withdrawals too.
		for i := 1; i < account.MaxPayFailures; i++ {
			bind(map[string]any{"payment_password": "000000"}).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		}
		bind(map[string]any{"payment_password": "000000"}).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": own, "amount": 100, "payment_password": pin},
			stolen...).ExpectProblem(t, 423, "PAYMENT_PASSWORD_LOCKED")
		if got := countOf(auditActions(t, e, victim.ID), "card.bound"); got != 1 {
			t.Fatalf("card.bound audited %d times, want 1 (the victim's own card)", got)
		}

		// The holder, with everything, withdraws to the card in her name.
		e.Clock.Advance(account.PayLock)
		var w txBody
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": own, "amount": 2_000_000, "payment_password": pin},
			stolen...).Expect(t, 201).JSON(t, &w)
		if w.Kind != "withdrawal" {
			t.Fatalf("withdrawal %+v", w)
		}
	})
}

// TestCardStepUpMessages: each refusal names itself in the caller's language.
func TestCardStepUpMessages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := verifiedUser(t, e, "王芳")
	for _, lang := range []string{"zh-CN", "en"} {
		hdr := append(u.Header(), "Accept-Language", lang)
		for _, c := range []struct {
			body map[string]any
			code string
		}{
			{map[string]any{}, "PAYMENT_PASSWORD_REQUIRED"},
			{map[string]any{"payment_password": u.PaymentPassword, "holder_name": "李四"}, "CARD_HOLDER_MISMATCH"},
			{map[string]any{"payment_password": u.PaymentPassword}, "SMS_CODE_REQUIRED"},
		} {
			body := map[string]any{"bank": "ICBC", "card_number": testCard, "holder_name": "王芳"}
			for k, v := range c.body {
				body[k] = v
			}
			p := e.Call("POST", "/api/v1/cards", body, hdr...).Problem(t)
			if p.Code != c.code || p.Detail == "" || p.Detail == c.code {
				t.Fatalf("%s %s: %+v", lang, c.code, p)
			}
			if lang == "en" && containsHan(p.Detail) || lang == "zh-CN" && !containsHan(p.Detail) {
				t.Fatalf("%s %s in the wrong language: %q", lang, c.code, p.Detail)
			}
		}
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func countOf(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
