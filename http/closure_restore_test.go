package http_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestRestoreKeepsTheStatus: an account that was restricted when its closure was reviewed is
// restricted again, not active, when the user cancels in cooling-off or support restores it
// (GE-4, PW-6). The policy is strict without the disputes check, so a restricted account can
// reach cooling-off at all.
func TestRestoreKeepsTheStatus(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../closure/policies/strict.toml")
	if err != nil {
		t.Fatal(err)
	}
	policy := filepath.Join(t.TempDir(), "restricted.toml")
	if err := os.WriteFile(policy, []byte(strings.Replace(string(raw), `"disputes", `, "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("restricted@example.com")
		ct.Exec(t, e, `UPDATE accounts SET status = 'restricted' WHERE id = ?`, u.ID)
		toCoolingOff := func() *ct.Flow {
			t.Helper()
			f := toVerification(t, e, u)
			e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
			post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword,
				"sms_code": ct.Code(t, e, u.Phone)}, 200)
			e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200)
			f = post(t, e, u, f.ID, "submit", nil, 200)
			if f.State != "cooling_off" || ct.AccountStatus(t, e, u.ID) != purse.StatusClosing {
				t.Fatalf("submit: %+v, account %s", f, ct.AccountStatus(t, e, u.ID))
			}
			return f
		}
		f := post(t, e, u, toCoolingOff().ID, "cancel", nil, 200)
		if st := ct.AccountStatus(t, e, u.ID); f.State != "cancelled" || st != purse.StatusRestricted {
			t.Fatalf("cancel: %s, account %s, want restricted", f.State, st)
		}
		f = toCoolingOff()
		f = ct.Decode(t, e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/restore",
			map[string]any{"reason": "the holder asked in person", "identity_check": "in_person"}, apitest.Auth(e.Operator("reviewer"))...).Expect(t, 200))
		if st := ct.AccountStatus(t, e, u.ID); f.State != "cancelled" || st != purse.StatusRestricted {
			t.Fatalf("restore: %s, account %s, want restricted", f.State, st)
		}
	}, ct.WithPolicy(t, policy))
}
