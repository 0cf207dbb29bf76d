package web_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/web"
)

// Every remedy an eligibility answer gives leads somewhere real: its API route is in the API
// document with that method, and its page is a working page, not a placeholder (issue 18:
// DELETE /api/v1/merchant-contracts/{id} and PUT /api/v1/one-click-pay did not exist, and the
// AP-8.9 and AP-2 pages said "coming soon").
func TestEveryRemedyIsARealRoute(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(e.Call("GET", "/api/openapi.json", nil).Expect(t, 200).Body, &doc); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, e)
	c.registerUser("赵六")
	codes := make([]string, 0, len(closure.Remedies))
	for code := range closure.Remedies {
		codes = append(codes, string(code))
	}
	sort.Strings(codes)
	for _, code := range codes {
		rem := closure.Remedies[purse.Code(code)]
		if rem.API != "" {
			method, path, _ := strings.Cut(rem.API, " ")
			if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
				t.Errorf("%s: remedy.api %s is no route", code, rem.API)
			}
		}
		if rem.Page == "" {
			t.Errorf("%s: no remedy page", code)
			continue
		}
		p := c.get(rem.Page)
		if p.Status != 200 || strings.Contains(p.Body, "即将上线") || strings.Contains(p.Body, `id="remedy-info"`) {
			t.Errorf("%s: remedy.page %s answers %d or is a placeholder", code, rem.Page, p.Status)
		}
	}
}

// "Contact customer service" names the operator's channels (IM-7), on the remedies that only
// support can clear (AP-2, AP-8.8, AP-8.9) and in the help centre (issue 18: no number, no link).
func TestSupportChannelsOnRemedies(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", func(c *app.Config) {
		c.Support = web.Support{Phone: "95188", Chat: "https://chat.wallet.example/"}
	})
	c := newClient(t, e)
	c.registerUser("孙七")
	// The certificate page names support to a certificate user whose device holds none (AP-2).
	ct.Exec(t, e, `UPDATE accounts SET certificate_required = ?, certificate_id = 'sha256:elsewhere' WHERE id = ?`, true, c.accountID())
	for _, page := range []string{"/security/certificate", "/account/activate", "/services/contracts", "/help/disputes", "/help"} {
		c.get(page).expect(t, 200, `href="tel:95188"`, `href="https://chat.wallet.example/"`)
	}
	c.get("/security/certificate").expect(t, 200, "解除数字证书要求")
	c.get("/services/contracts").expect(t, 200, "提前解约")
}
