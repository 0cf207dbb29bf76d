package secret_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/secret"
)

// TestTOTPVectors checks HOTP against RFC 6238 Appendix B (SHA-1, 8 digits, the 20-byte ASCII
// key "12345678901234567890") and RFC 4226 Appendix D (6 digits).
func TestTOTPVectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		want string
	}{{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"}, {1234567890, "89005924"},
		{2000000000, "69279037"}, {20000000000, "65353130"}} {
		if got := secret.HOTP(key, uint64(secret.TOTPStepAt(time.Unix(v.unix, 0))), 8); got != v.want {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.want)
		}
	}
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"} {
		if got := secret.HOTP(key, uint64(i), 6); got != want {
			t.Errorf("HOTP count %d: %s, want %s", i, got, want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	s := secret.NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	key := mustB32(t, s)
	code := secret.HOTP(key, uint64(secret.TOTPStepAt(now)), 6)
	step, ok := secret.CheckTOTP(s, code, now, 0)
	if !ok || step != secret.TOTPStepAt(now) {
		t.Fatal("the current code was refused")
	}
	if _, ok := secret.CheckTOTP(s, code, now, step); ok {
		t.Fatal("a used code was accepted again")
	}
	if _, ok := secret.CheckTOTP(s, code, now.Add(29*time.Second), 0); !ok {
		t.Fatal("one step of drift was refused")
	}
	if _, ok := secret.CheckTOTP(s, code, now.Add(3*secret.TOTPStep), 0); ok {
		t.Fatal("a code three steps old was accepted")
	}
}
