package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// TestFreeTextRefusesControlCharacters (issue 14): a name, a card holder, a memo, an operator's
// reason or title with a line break, a tab, an escape or a bidirectional override is refused with
// 422 TEXT_CONTROL_CHARACTERS naming the field, in the caller's language, and nothing is stored.
// Before, "王\n小明" was stored as a holder name and "rent\r\nPAID" as a memo.
func TestFreeTextRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		admin := apitest.Auth(e.Operator("admin"))
		refused := func(what string, res *apitest.Response, field, lang string) {
			t.Helper()
			p := res.ExpectProblem(t, 422, "TEXT_CONTROL_CHARACTERS")
			if len(p.Errors) == 0 || !strings.HasSuffix(p.Errors[0]["field"].(string), field) {
				t.Fatalf("%s: the problem does not name %s: %+v", what, field, p.Errors)
			}
			chinese := strings.ContainsAny(p.Detail, "换行控制字符")
			if (lang == "zh-CN") != chinese {
				t.Fatalf("%s: message %q is not in %s", what, p.Detail, lang)
			}
		}
		for _, bad := range []string{"王\n小明", "Li\rLei", "a\tb", "\x1b[31mred", "\u202Egnp.exe", "a\u2028b", "a\u0085b"} {
			for _, lang := range []string{"zh-CN", "en"} {
				hdr := append(u.Header(), "Accept-Language", lang)
				refused("holder name", e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC",
					"card_number": "6222021234567890128", "holder_name": bad}, hdr...), "holder_name", lang)
				refused("transfer memo", e.Call("POST", "/api/v1/transfers", map[string]any{"to": u.Phone,
					"amount": 1, "memo": bad}, hdr...), "memo", lang)
				refused("points memo", e.Call("POST", "/api/v1/points/spend", map[string]any{"amount": 1, "memo": bad}, hdr...), "memo", lang)
				ahdr := append(slicesClone(admin), "Accept-Language", lang)
				refused("dispute reason", e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/disputes",
					map[string]any{"reason": bad, "restricts": false}, ahdr...), "reason", lang)
				refused("coupon title", e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/coupons",
					map[string]any{"title": bad, "amount": 100, "expires_at": "2099-01-01T00:00:00Z"}, ahdr...), "title", lang)
				refused("grant memo", e.Call("POST", "/api/v1/admin/points/grants",
					map[string]any{"account_id": u.ID, "amount": 1, "memo": bad}, ahdr...), "memo", lang)
			}
		}
		var cards struct{ Cards []any }
		e.Call("GET", "/api/v1/cards", nil, u.Header()...).Expect(t, 200).JSON(t, &cards)
		if len(cards.Cards) != 0 {
			t.Fatalf("a refused card was stored: %v", cards.Cards)
		}
		// Letters of any script, emoji with joiners and ordinary punctuation pass.
		e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC", "card_number": "6222021234567890128",
			"holder_name": "王小明 O'Brien-Smith 👨‍👩‍👧", "payment_password": u.PaymentPassword, "sms_code": e.CardCode(u)},
			u.Header()...).Expect(t, 201)
	})
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
