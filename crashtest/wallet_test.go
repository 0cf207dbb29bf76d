package crashtest

import (
	"encoding/json"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify/notifytest"
	pursewallet "github.com/purse-wallet/purse/wallet"
)

// wallet is a funded account with a bank card, which moves money in the load.
type wallet struct {
	id, token, card string
}

// newWallet registers and funds an account through the API; its card is bound as the holder binds
// one (issue 13): the SMS code, read from the outbox the store holds, and the payment password.
func newWallet(t *testing.T, srv *server, store purse.Store, sms *notifytest.Receiver, phone string, money int64) wallet {
	t.Helper()
	base := srv.url()
	reg := call(t, base, "POST", "/api/v1/accounts", map[string]string{"phone": phone, "password": "crash test password", "payment_password": "135790",
		"code": registrationCode(t, base, store, sms, phone)})
	var w wallet
	decode(t, reg, &struct{ ID *string }{&w.id})
	var s struct{ Token string }
	decode(t, call(t, base, "POST", "/api/v1/sessions", map[string]string{"login": phone, "password": "crash test password"}), &s)
	w.token = s.Token
	var c struct{ ID string }
	if res := call(t, base, "POST", "/api/v1/cards/codes", nil, "Authorization", "Bearer "+w.token); res.status != 201 {
		t.Fatalf("card code: %d %s", res.status, res.body)
	}
	code := smsCode(t, store, sms, phone, pursewallet.CardTemplate)
	decode(t, call(t, base, "POST", "/api/v1/cards", map[string]string{"bank": "ICBC", "card_number": "6222021234567890128",
		"holder_name": "Crash", "payment_password": "135790", "sms_code": code}, "Authorization", "Bearer "+w.token), &c)
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
