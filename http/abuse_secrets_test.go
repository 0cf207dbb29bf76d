package http_test

import (
	"context"
	"errors"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// A sign-in sent with an Idempotency-Key must not leave its session token in the idempotency
// table: tokens are stored only hashed (DESIGN.md §7). The retry makes a second session instead
// of replaying the first token, and both work.
func TestSignInTokenIsNotKeptAsAnIdempotentAnswer(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		body := map[string]any{"login": u.Phone, "password": u.Password}
		var first, second struct{ Token string }
		e.Call("POST", "/api/v1/sessions", body, "Idempotency-Key", "signin-secret").Expect(t, 201).JSON(t, &first)
		ctx := context.Background()
		err := e.DB.Read(ctx, func(tx purse.Tx) error {
			_, err := tx.IdempotentResponse(ctx, "anon", "signin-secret")
			return err
		})
		if !errors.Is(err, purse.ErrNotFound) {
			t.Fatalf("the sign-in answer, token included, was stored: %v", err)
		}
		res := e.Call("POST", "/api/v1/sessions", body, "Idempotency-Key", "signin-secret").Expect(t, 201)
		res.JSON(t, &second)
		if second.Token == first.Token || res.Header.Get("Idempotent-Replayed") != "" {
			t.Fatal("the retry replayed the first token")
		}
		for _, tok := range []string{first.Token, second.Token} {
			e.Call("GET", "/api/v1/me", nil, apitest.Auth(tok)...).Expect(t, 200)
		}
	})
}
