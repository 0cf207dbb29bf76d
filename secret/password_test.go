package secret_test

import (
	"context"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/secret"
)

func TestHashAndVerify(t *testing.T) {
	h := secret.NewHasher(secret.Params{Memory: 1024, Time: 1, Threads: 1}, 2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "135790")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", phc)
	}
	if ok, err := h.Verify(ctx, phc, "135790"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := h.Verify(ctx, phc, "135791"); ok {
		t.Fatal("wrong password verified")
	}
	if again, _ := h.Hash(ctx, "135790"); again == phc {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=1024,t=1,p=1$!!$!!"} {
		if _, err := h.Verify(ctx, bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	// A slot is never leaked by a cancelled wait.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	one := secret.NewHasher(secret.Params{Memory: 1024, Time: 1, Threads: 1}, 1)
	if _, err := one.Hash(cancelled, "x"); err == nil {
		t.Log("hash ran although the context was cancelled (a free slot was taken first)")
	}
	if _, err := one.Hash(ctx, "x"); err != nil {
		t.Fatal(err)
	}
}

func TestTokens(t *testing.T) {
	a, b := secret.NewToken("pst_"), secret.NewToken("pst_")
	if a == b || !strings.HasPrefix(a, "pst_") || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if secret.HashToken(a) == secret.HashToken(b) || len(secret.HashToken(a)) != 64 {
		t.Fatal("token hashes")
	}
}
