package http_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
)

// signIn posts a sign-in and returns the answer.
func signIn(e *apitest.Env, login, password string) *apitest.Response {
	return e.Call("POST", "/api/v1/sessions", map[string]any{"login": login, "password": password})
}

// sameAnswer fails unless two answers agree in status, body and the headers a client could read.
func sameAnswer(t *testing.T, what string, a, b *apitest.Response) {
	t.Helper()
	if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) || a.Header.Get("Retry-After") != b.Header.Get("Retry-After") ||
		a.Header.Get("Content-Type") != b.Header.Get("Content-Type") {
		t.Fatalf("%s: the answers differ:\n known:   %d %s %s\n unknown: %d %s %s", what, a.Status, a.Header.Get("Retry-After"), a.Body,
			b.Status, b.Header.Get("Retry-After"), b.Body)
	}
}

// TestSignInDoesNotTellWhichLoginsExist (issue 14): a known login with a wrong password and a
// login that names no account answer alike, try after try: the same LOGIN_FAILED four times,
// then the same LOGIN_LOCKED with the same Retry-After, in both languages, for a phone and for an
// e-mail. Before, the known login locked and the unknown one answered 401 forever.
func TestSignInDoesNotTellWhichLoginsExist(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp(apitest.NextPhone() + "@example.com")
		for _, pair := range [][2]string{{u.Phone, apitest.NextPhone()}, {u.Email, apitest.NextPhone() + "@example.com"}} {
			known, unknown := pair[0], pair[1]
			for i := 1; i <= account.MaxLoginFailures; i++ {
				for _, lang := range []string{"zh-CN", "en"} {
					if lang == "en" && i < account.MaxLoginFailures {
						continue // every try counts: only the locking one is asked in English as well
					}
					a := e.Call("POST", "/api/v1/sessions", map[string]any{"login": known, "password": "wrong password"}, "Accept-Language", lang)
					b := e.Call("POST", "/api/v1/sessions", map[string]any{"login": unknown, "password": "wrong password"}, "Accept-Language", lang)
					sameAnswer(t, known+" try "+string(rune('0'+i))+" "+lang, a, b)
				}
			}
			a, b := signIn(e, known, u.Password), signIn(e, unknown, u.Password)
			a.ExpectProblem(t, 423, "LOGIN_LOCKED")
			sameAnswer(t, "locked, right password", a, b)
			e.Clock.Advance(account.LoginLock)
			signIn(e, known, u.Password).Expect(t, 201)
			signIn(e, unknown, u.Password).ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		// A login that is neither a phone nor an e-mail names nobody, and locks all the same.
		for i := 1; i < account.MaxLoginFailures; i++ {
			signIn(e, "not a login", "x").ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		signIn(e, "not a login", "x").ExpectProblem(t, 423, "LOGIN_LOCKED")
	})
}

// TestSignInTakesAlikeForKnownAndUnknown (issue 14): the same work on both paths. Fifty wrong
// passwords for known logins and fifty for unknown ones, interleaved (four tries a login, so
// nothing locks), answer alike, and their median times are within a factor of 1.5 of each other.
// Before, the unknown login skipped the counter's write (the issue measured a median of 37 ms
// against 72 ms) and verified a fixed hash of production's cost whatever the server's parameters
// (here 222 ms against 20 ms). The bound is generous on
// purpose: it is a comparison of the two paths on one loaded machine, not a speed target. The
// tests' cheap argon2id parameters keep the database's share of the time large, where a missing
// write shows; with production's, the hash dominates both paths on this machine (measured: about
// 100 ms each, before and after). A loaded machine can still push one round's medians apart (5.6
// against 10.9 ms was seen once, and the next round agreed), so a round that misses the bound is
// measured again on fresh logins, up to three rounds: a path that does more work misses in every
// round, a burst of load in one.
func TestSignInTakesAlikeForKnownAndUnknown(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		var mk, mu time.Duration
		for round := 1; round <= 3; round++ {
			mk, mu = signInMedians(t, e)
			t.Logf("%s round %d: median %v known, %v unknown", e.Dialect, round, mk, mu)
			if ratio := float64(mk) / float64(mu); ratio <= 1.5 && ratio >= 1/1.5 {
				return
			}
		}
		t.Fatalf("median %v for known logins, %v for unknown ones in three rounds: the paths do different work", mk, mu)
	})
}

// signInMedians signs in with wrong passwords fifty times on known logins and fifty on unknown
// ones, interleaved (four tries a login, so nothing locks), checks the answers alike, and returns
// the two median times.
func signInMedians(t *testing.T, e *apitest.Env) (known, unknownMedian time.Duration) {
	t.Helper()
	{
		const tries, perLogin = 50, account.MaxLoginFailures - 1
		var known, unknown []string
		for i := 0; i < (tries+perLogin-1)/perLogin; i++ {
			known = append(known, e.SignUp("").Phone)
			unknown = append(unknown, apitest.NextPhone())
		}
		var tk, tu []time.Duration
		timed := func(login string) (*apitest.Response, time.Duration) {
			start := time.Now()
			r := signIn(e, login, "wrong password")
			return r, time.Since(start)
		}
		for i := 0; i < tries; i++ {
			var a, b *apitest.Response
			var da, db time.Duration
			if i%2 == 0 { // alternate which goes first, so that neither always meets a warmer cache
				a, da = timed(known[i/perLogin])
				b, db = timed(unknown[i/perLogin])
			} else {
				b, db = timed(unknown[i/perLogin])
				a, da = timed(known[i/perLogin])
			}
			a.ExpectProblem(t, 401, "LOGIN_FAILED")
			sameAnswer(t, "wrong password", a, b)
			tk, tu = append(tk, da), append(tu, db)
		}
		return median(tk), median(tu)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestRecoveryConfirmTakesAlike (issue 14): after a recovery was started for a known and an
// unknown login (202 both, as TestPasswordRecovery shows), a wrong code answers alike for both,
// and in the same time: fifty tries each, interleaved, four a flow so that none ends, medians
// within a factor of 1.5. Before, a wrong code on the known login's flow wrote its try and the
// unknown login wrote nothing; then the known path still read more (8.6 against 5.4 ms on a loaded
// PostgreSQL), so ConfirmRecovery now holds the same floor as StartRecovery. The test shortens the
// floor to 100 ms to keep its 100 calls a store near ten seconds; the paths themselves take under
// 10 ms, so the floor is what both answers wait for.
func TestRecoveryConfirmTakesAlike(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		const perFlow = 4
		tries := 50
		if testing.Short() {
			tries = 12 // every call waits out the floor: CI runs the full count, the quick loop a taste
		}
		e.App.Business.RecoveryFloor = 100 * time.Millisecond
		var tk, tu, sk, su []time.Duration
		confirm := func(login string) (*apitest.Response, time.Duration) {
			start := time.Now()
			r := e.Call("POST", "/api/v1/business/password-recovery/confirm",
				map[string]any{"login": login, "code": "000000", "new_password": "brand new password"})
			return r, time.Since(start)
		}
		var known, unknown string
		for i := 0; i < tries; i++ {
			if i%perFlow == 0 {
				// A fresh pair each block, a day apart: the caps of 20 starts per address and 10
				// codes per account a day hold.
				e.Clock.Advance(24 * time.Hour)
				known, unknown = e.SignUp("").Phone, apitest.NextPhone()
				// The start answers alike too, in the same time (the floor); timed here, in the
				// order alternating, rather than in a test of its own with a hundred more calls.
				order := []string{known, unknown}
				if (i/perFlow)%2 == 1 {
					order = []string{unknown, known}
				}
				answers := map[string]*apitest.Response{}
				for _, l := range order {
					begun := time.Now()
					answers[l] = e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": l}).Expect(t, 202)
					if l == known {
						sk = append(sk, time.Since(begun))
					} else {
						su = append(su, time.Since(begun))
					}
				}
				sameAnswer(t, "recovery start", answers[known], answers[unknown])
				if lastCode(t, e, known) == "000000" {
					i += perFlow - 1 // the one code in a million that is right: skip the block
					continue
				}
			}
			var a, b *apitest.Response
			var da, db time.Duration
			if i%2 == 0 {
				a, da = confirm(known)
				b, db = confirm(unknown)
			} else {
				b, db = confirm(unknown)
				a, da = confirm(known)
			}
			a.ExpectProblem(t, 422, "OTP_INVALID")
			sameAnswer(t, "wrong recovery code", a, b)
			tk, tu = append(tk, da), append(tu, db)
		}
		if ms, mu := median(sk), median(su); float64(ms)/float64(mu) > 1.5 || float64(ms)/float64(mu) < 1/1.5 {
			t.Fatalf("recovery start: median %v for known logins, %v for unknown ones", ms, mu)
		} else {
			t.Logf("%s: recovery start median %v known, %v unknown over %d starts each", e.Dialect, ms, mu, len(sk))
		}
		mk, mu := median(tk), median(tu)
		t.Logf("%s: median %v known, %v unknown over %d tries each", e.Dialect, mk, mu, len(tk))
		if ratio := float64(mk) / float64(mu); ratio > 1.5 || ratio < 1/1.5 {
			t.Fatalf("median %v for known logins, %v for unknown ones: the paths do different work", mk, mu)
		}
	})
}
