package http_test

import (
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
)

func TestIdempotentRetryHasOneEffectAndOneAnswer(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		body := map[string]any{"phone": phone, "password": "long enough", "payment_password": "135790", "code": e.RegistrationCode(phone)}
		first := e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "reg-1").Expect(t, 201)
		before := accountCount(t, e)
		again := e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "reg-1").Expect(t, 201)
		if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry answered differently:\n%s\n%s", first.Body, again.Body)
		}
		if accountCount(t, e) != before {
			t.Fatal("the retry registered a second account")
		}
		// The same key with another body is a client bug, named as such.
		body["password"] = "another password"
		e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "reg-1").ExpectProblem(t, 422, "IDEMPOTENCY_KEY_REUSED")
		e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "bad key with spaces").ExpectProblem(t, 400, "IDEMPOTENCY_KEY_INVALID")
		if accountCount(t, e) != before {
			t.Fatal("a refused request stored an account")
		}
	})
}

func TestIdempotentFailureIsReplayedAndItsCountKept(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		wrong := map[string]any{"login": u.Phone, "password": "wrong password"}
		// A failed sign-in with a key is answered once and counted once, however often it is retried.
		for i := 0; i < 3; i++ {
			e.Call("POST", "/api/v1/sessions", wrong, "Idempotency-Key", "signin-1").ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		for i := 0; i < 3; i++ {
			e.Call("POST", "/api/v1/sessions", wrong).ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		// 1 + 3 failures so far: the fifth locks.
		e.Call("POST", "/api/v1/sessions", wrong).ExpectProblem(t, 423, "LOGIN_LOCKED")
	})
}

func TestConcurrentRequestsWithOneKeyTakeEffectOnce(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		body := map[string]any{"phone": phone, "password": "long enough", "payment_password": "135790", "code": e.RegistrationCode(phone)}
		before := accountCount(t, e)
		var wg sync.WaitGroup
		bodies := make([]string, 8)
		for i := range bodies {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				res := e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "race")
				if res.Status != 201 {
					t.Errorf("concurrent retry %d: %d %s", i, res.Status, res.Body)
				}
				bodies[i] = string(res.Body)
			}(i)
		}
		wg.Wait()
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Fatalf("concurrent retries answered differently:\n%s\n%s", bodies[0], b)
			}
		}
		if got := accountCount(t, e) - before; got != 1 {
			t.Fatalf("%d accounts from one idempotent request", got)
		}
	})
}

// Answers are kept for a day of retries, then pruned: they can hold a new account's phone.
func TestIdempotentAnswersArePrunedAfterADay(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		body := map[string]any{"phone": phone, "password": "long enough", "payment_password": "135790", "code": e.RegistrationCode(phone)}
		e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "prune-1").Expect(t, 201)
		stored := func() int {
			return count(t, e, `SELECT COUNT(*) FROM idempotent_responses WHERE key = ?`, "prune-1")
		}
		e.Clock.Advance(23 * time.Hour)
		e.RunJobs()
		if stored() != 1 {
			t.Fatal("the answer went before its day was over")
		}
		e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "prune-1").Expect(t, 201) // still a replay
		e.Clock.Advance(2 * time.Hour)
		e.RunJobs()
		if stored() != 0 {
			t.Fatal("the answer outlived its day")
		}
	})
}
