package crashtest

import (
	"encoding/json"
	"testing"
)

// wallet is a funded account with a bank card, which moves money in the load.
type wallet struct {
	id, token, card string
}

func newWallet(t *testing.T, srv *server, phone string, money int64) wallet {
	t.Helper()
	base := srv.url()
	reg := call(t, base, "POST", "/api/v1/accounts", map[string]string{"phone": phone, "password": "crash test password", "payment_password": "135790"})
	var w wallet
	decode(t, reg, &struct{ ID *string }{&w.id})
	var s struct{ Token string }
	decode(t, call(t, base, "POST", "/api/v1/sessions", map[string]string{"login": phone, "password": "crash test password"}), &s)
	w.token = s.Token
	var c struct{ ID string }
	decode(t, call(t, base, "POST", "/api/v1/cards", map[string]string{"bank": "ICBC", "card_number": "6222021234567890128", "holder_name": "Crash"}, "Authorization", "Bearer "+w.token), &c)
	w.card = c.ID
	if money > 0 {
		if res := call(t, base, "POST", "/api/v1/topups", map[string]any{"card_id": w.card, "amount": money}, "Authorization", "Bearer "+w.token); res.status != 201 {
			t.Fatalf("top-up: %d %s", res.status, res.body)
		}
	}
	return w
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
