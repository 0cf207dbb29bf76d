package operator_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/operator"
)

// A console session works until it expires or is signed out, and never after.
func TestConsoleSessionLifetime(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		ctx := context.Background()
		ops := e.App.Operators
		if _, _, err := ops.Create(ctx, "admin1", purse.RoleAdmin, "operator password 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.SignIn(ctx, "admin1", "operator password 2"); purse.ErrorCode(err) != purse.CodeOperatorUnauthenticated {
			t.Fatalf("wrong password: %v", err)
		}
		s, err := ops.SignIn(ctx, "admin1", "operator password 1")
		if err != nil {
			t.Fatal(err)
		}
		if s.Operator.Role != purse.RoleAdmin || !s.ExpiresAt.Equal(e.Clock.Now().Add(operator.ConsoleLifetime)) {
			t.Fatalf("session %+v", s)
		}
		if _, err := ops.Authenticate(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(operator.ConsoleLifetime)
		if _, err := ops.Authenticate(ctx, s.Token); purse.ErrorCode(err) != purse.CodeOperatorUnauthenticated {
			t.Fatalf("expired console session: %v", err)
		}

		s2, err := ops.SignIn(ctx, "admin1", "operator password 1")
		if err != nil {
			t.Fatal(err)
		}
		if err := ops.SignOut(ctx, s2.Operator, s2.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.Authenticate(ctx, s2.Token); purse.ErrorCode(err) != purse.CodeOperatorUnauthenticated {
			t.Fatalf("signed-out console session: %v", err)
		}
		// Signing out twice is harmless.
		if err := ops.SignOut(ctx, s2.Operator, s2.Token); err != nil {
			t.Fatal(err)
		}
	})
}
