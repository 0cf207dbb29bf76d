package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// storedAnswer reads the idempotency table's row for scope and key as a database dump shows it.
func storedAnswer(t *testing.T, e *apitest.Env, scope, key string) (header string, body []byte) {
	t.Helper()
	err := e.DB.SQL().QueryRow(rebind(e, `SELECT header, body FROM idempotent_responses WHERE scope = ? AND key = ?`),
		scope, key).Scan(&header, &body)
	if err != nil {
		t.Fatalf("stored answer %s %s: %v", scope, key, err)
	}
	return header, body
}

// copyAnswer copies a stored row onto another scope and key, as someone with write access to the
// database would, to be replayed an answer that is not theirs.
func copyAnswer(t *testing.T, e *apitest.Env, scope, key, toScope, toKey string) {
	t.Helper()
	_, err := e.DB.SQL().Exec(rebind(e, `INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
		SELECT ?, ?, request_hash, status, header, body, created_at FROM idempotent_responses WHERE scope = ? AND key = ?`),
		toScope, toKey, scope, key)
	if err != nil {
		t.Fatal(err)
	}
}

// scopeOf returns the scope under which a key's answer was stored.
func scopeOf(t *testing.T, e *apitest.Env, key string) string {
	t.Helper()
	var scope string
	if err := e.DB.SQL().QueryRow(rebind(e, `SELECT scope FROM idempotent_responses WHERE key = ?`), key).Scan(&scope); err != nil {
		t.Fatal(err)
	}
	return scope
}

// A keyed operator creation and a keyed registration replay byte for byte, while their rows hold
// neither the new operator's token nor the new account's phone, e-mail or name, in the body or
// the headers.
func TestStoredAnswersAreSealed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin := apitest.Auth(e.Operator("admin"))
		op := map[string]any{"username": "sealed.cs", "role": "agent", "password": "a long operator password"}
		hdr := append([]string{"Idempotency-Key", "op-seal"}, admin...)
		first := e.Call("POST", "/api/v1/admin/operators", op, hdr...).Expect(t, 201)
		var out struct{ Token string }
		first.JSON(t, &out)
		again := e.Call("POST", "/api/v1/admin/operators", op, hdr...).Expect(t, 201)
		if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" ||
			again.Header.Get("Content-Type") != first.Header.Get("Content-Type") {
			t.Fatalf("the retry answered differently:\n%s %v\n%s %v", first.Body, first.Header, again.Body, again.Header)
		}
		header, body := storedAnswer(t, e, scopeOf(t, e, "op-seal"), "op-seal")
		if out.Token == "" || bytes.Contains(body, []byte(out.Token)) || strings.Contains(header, out.Token) {
			t.Fatalf("the operator's token %q is stored in clear: %s %q", out.Token, header, body)
		}
		if bytes.Contains(body, []byte("sealed.cs")) || header != "{}" {
			t.Fatalf("the answer's body or headers are in clear: %s %q", header, body)
		}

		phone, email, name := apitest.NextPhone(), "sealed.reg@example.com", "封存测试"
		reg := map[string]any{"phone": phone, "email": email, "name": name, "password": "long enough", "payment_password": "135790",
			"code": e.RegistrationCode(phone)}
		first = e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "reg-seal").Expect(t, 201)
		before := accountCount(t, e)
		again = e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "reg-seal").Expect(t, 201)
		if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" || accountCount(t, e) != before {
			t.Fatalf("the retry answered differently or registered again:\n%s\n%s", first.Body, again.Body)
		}
		header, body = storedAnswer(t, e, "anon", "reg-seal")
		for _, secret := range []string{phone, email, name} {
			if !bytes.Contains(first.Body, []byte(secret)) {
				t.Fatalf("the answer does not show %q: the test proves nothing", secret)
			}
			if bytes.Contains(body, []byte(secret)) || strings.Contains(header, secret) {
				t.Fatalf("%q is stored in clear: %s %q", secret, header, body)
			}
		}
	})
}

// A sealed answer copied onto another operator's scope, onto another key, or altered, does not
// replay: the caller gets IDEMPOTENT_ANSWER_UNREADABLE without the answer, the request is not run
// again and nothing is stored.
func TestMovedOrAlteredAnswerDoesNotReplay(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a, b := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("admin"))
		op := map[string]any{"username": "moved.cs", "role": "agent", "password": "a long operator password"}
		var out struct{ Token string }
		e.Call("POST", "/api/v1/admin/operators", op, append([]string{"Idempotency-Key", "k-a"}, a...)...).Expect(t, 201).JSON(t, &out)
		e.Call("POST", "/api/v1/admin/operators", map[string]any{"username": "probe.cs", "role": "agent",
			"password": "a long operator password"}, append([]string{"Idempotency-Key", "k-probe"}, b...)...).Expect(t, 201)
		scopeA, scopeB := scopeOf(t, e, "k-a"), scopeOf(t, e, "k-probe")
		copyAnswer(t, e, scopeA, "k-a", scopeB, "k-a")
		copyAnswer(t, e, scopeA, "k-a", scopeA, "k-b")

		regPhone := apitest.NextPhone()
		reg := map[string]any{"phone": regPhone, "password": "long enough", "payment_password": "135790", "code": e.RegistrationCode(regPhone)}
		e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "r-1").Expect(t, 201)
		copyAnswer(t, e, "anon", "r-1", "anon", "r-2")

		rows := count(t, e, `SELECT COUNT(*) FROM idempotent_responses WHERE scope <> ?`, "")
		operators := count(t, e, `SELECT COUNT(*) FROM operators WHERE role <> ?`, "")
		accounts := accountCount(t, e)
		refused := func(res *apitest.Response) {
			t.Helper()
			res.ExpectProblem(t, 409, "IDEMPOTENT_ANSWER_UNREADABLE")
			if bytes.Contains(res.Body, []byte(out.Token)) || res.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("the moved answer was replayed: %s", res.Body)
			}
		}
		refused(e.Call("POST", "/api/v1/admin/operators", op, append([]string{"Idempotency-Key", "k-a"}, b...)...))
		refused(e.Call("POST", "/api/v1/admin/operators", op, append([]string{"Idempotency-Key", "k-b"}, a...)...))
		refused(e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "r-2"))

		// One altered byte of A's own row: A's retry is refused alike.
		_, body := storedAnswer(t, e, scopeA, "k-a")
		body[len(body)-1] ^= 1
		if _, err := e.DB.SQL().Exec(rebind(e, `UPDATE idempotent_responses SET body = ? WHERE scope = ? AND key = ?`), body, scopeA, "k-a"); err != nil {
			t.Fatal(err)
		}
		refused(e.Call("POST", "/api/v1/admin/operators", op, append([]string{"Idempotency-Key", "k-a"}, a...)...))

		if got := count(t, e, `SELECT COUNT(*) FROM idempotent_responses WHERE scope <> ?`, ""); got != rows {
			t.Fatalf("%d stored answers, want %d", got, rows)
		}
		if got := count(t, e, `SELECT COUNT(*) FROM operators WHERE role <> ?`, ""); got != operators {
			t.Fatalf("%d operators, want %d", got, operators)
		}
		if got := accountCount(t, e); got != accounts {
			t.Fatalf("%d accounts, want %d", got, accounts)
		}
		if !strings.Contains(e.Log.String(), "stored idempotent answer does not open") {
			t.Fatal("the refusal was not logged for the operator")
		}
	})
}

// An answer stored in clear by the version before sealing (no mark) is replayed as it is during
// the day it may still live after an upgrade, without running the request again.
func TestUnsealedAnswerOfAnEarlierVersionReplays(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		body := `{"code":"` + e.RegistrationCode(phone) + `","phone":"` + phone + `","password":"long enough","payment_password":"135790"}`
		sum := sha256.Sum256([]byte("POST /api/v1/accounts\n" + body))
		legacy := []byte(`{"id":"0190b7a0-0000-7000-8000-00000000000a","status":"active"}`)
		ctx := context.Background()
		err := e.DB.Tx(ctx, func(tx purse.Tx) error {
			return tx.InsertIdempotentResponse(ctx, &purse.IdempotentResponse{Scope: "anon", Key: "legacy-1",
				RequestHash: hex.EncodeToString(sum[:]), Status: 201, Header: map[string]string{"Content-Type": "application/json"},
				Body: legacy, CreatedAt: tx.Now().Add(-time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		before := accountCount(t, e)
		res := e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", "legacy-1").Expect(t, 201)
		if !bytes.Equal(res.Body, legacy) || res.Header.Get("Idempotent-Replayed") != "true" ||
			res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("the earlier answer was not replayed as it is: %s %v", res.Body, res.Header)
		}
		if accountCount(t, e) != before {
			t.Fatal("the request ran again")
		}
		var v map[string]any
		if err := json.Unmarshal(res.Body, &v); err != nil {
			t.Fatal(err)
		}
	})
}

// The hash stored beside an answer is keyed: a plain SHA-256 of a registration's or a payment
// form's content would let anyone with the table try its passwords against it. The same key with
// another body is still refused, and the same body still replays.
func TestRequestHashIsKeyed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		reg := map[string]any{"payment_password": "135790", "password": "long enough", "phone": phone, "code": e.RegistrationCode(phone)}
		body, err := json.Marshal(reg)
		if err != nil {
			t.Fatal(err)
		}
		e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "hash-1").Expect(t, 201)
		var stored string
		if err := e.DB.SQL().QueryRow(rebind(e, `SELECT request_hash FROM idempotent_responses WHERE scope = ? AND key = ?`),
			"anon", "hash-1").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		plain := sha256.Sum256([]byte("POST /api/v1/accounts\n" + string(body)))
		if stored == "" || stored == hex.EncodeToString(plain[:]) {
			t.Fatalf("the request hash %q is the content's plain SHA-256", stored)
		}
		e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "hash-1").Expect(t, 201)
		reg["payment_password"] = "246801"
		e.Call("POST", "/api/v1/accounts", reg, "Idempotency-Key", "hash-1").ExpectProblem(t, 422, "IDEMPOTENCY_KEY_REUSED")
	})
}
