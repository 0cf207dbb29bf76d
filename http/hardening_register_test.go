package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
)

// TestRegistrationDoesNotTellWhichPhonesExist (issue 14): registering answered PHONE_TAKEN, so
// anyone could learn which phones have a wallet. Now starting a registration answers the same 202
// for a taken and a free phone, in status, body and headers; the free phone gets a code, the taken
// one's holder a notice and no code; finishing with a wrong code answers the same OTP_INVALID for
// both; and both take the same time: thirty tries each, interleaved, medians at or above the floor
// and within a factor of 1.5 of each other (the floor, not the paths, is what both wait for).
func TestRegistrationDoesNotTellWhichPhonesExist(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		const floor = 100 * time.Millisecond
		tries := 30
		if testing.Short() {
			tries = 8 // every call waits out the floor: CI runs the full count, the quick loop a taste
		}
		known := e.SignUp("").Phone
		e.App.Accounts.RegistrationFloor = floor
		timed := func(path string, body map[string]any) (*apitest.Response, time.Duration) {
			start := time.Now()
			r := e.Call("POST", path, body)
			return r, time.Since(start)
		}
		var tk, tu []time.Duration
		for i := 0; i < tries; i++ {
			if i%4 == 0 {
				e.Clock.Advance(24 * time.Hour) // the daily cap of sends per phone holds
			}
			unknown := apitest.NextPhone()
			order := []string{known, unknown}
			if i%2 == 1 {
				order = []string{unknown, known}
			}
			starts, completes := map[string]*apitest.Response{}, map[string]*apitest.Response{}
			for _, phone := range order {
				r, d := timed("/api/v1/registrations", map[string]any{"phone": phone})
				starts[phone] = r
				c, d2 := timed("/api/v1/accounts", map[string]any{"phone": phone, "password": "long enough",
					"payment_password": "135790", "code": "000000"})
				completes[phone] = c
				if phone == known {
					tk = append(tk, d+d2)
				} else {
					tu = append(tu, d+d2)
				}
			}
			starts[known].Expect(t, 202)
			sameAnswer(t, "registration start", starts[known], starts[unknown])
			if e.LastSMSCode(unknown, "registration_code") == "000000" {
				continue // the one code in a million that is right
			}
			completes[known].ExpectProblem(t, 422, "OTP_INVALID")
			sameAnswer(t, "registration with a wrong code", completes[known], completes[unknown])
			if e.LastSMSCode(known, "registration_code") != "" {
				t.Fatal("a registration code was sent to a taken phone")
			}
		}
		mk, mu := median(tk), median(tu)
		t.Logf("%s: median %v known, %v unknown over %d tries each (start + wrong code)", e.Dialect, mk, mu, len(tk))
		if mk < 2*floor || mu < 2*floor {
			t.Fatalf("median %v known, %v unknown: under the floor", mk, mu)
		}
		if ratio := float64(mk) / float64(mu); ratio > 1.5 || ratio < 1/1.5 {
			t.Fatalf("median %v for taken phones, %v for free ones: the paths do different work", mk, mu)
		}
	})
}
