package http_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/certificate"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/lifecycle"
)

// TestCertificateStatesRetentionSettings (issue 16): with --retention-personal 90d and
// --retention-records 10y the purge keeps personal data 90 days and records 10 years, and the
// certificate now says so (it said the policy file's 30 days and 5 years); it lists what is kept
// for good; it verifies against /.well-known/jwks.json; the PDF comes in both languages.
func TestCertificateStatesRetentionSettings(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u, id := ct.CoolingOff(t, e)
		e.Clock.Advance(8 * 24 * time.Hour)
		runTask(t, e, "closure.close_due")
		if st := e.ClosureState(t, id); st != "closed" {
			t.Fatalf("state %s", st)
		}
		// The e-mail closure notice links to the documents too (absolute, on --base-url).
		e.Call("GET", linkIn(t, e, u.Email, "closure_closed"), nil).Expect(t, 200)
		op := apitest.Auth(e.Operator("agent"))
		r := e.Call("GET", "/api/v1/admin/closures/"+id+"/certificate", nil, op...).Expect(t, 200)
		if r.Header.Get("Content-Type") != "application/jose" {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		keys, err := certificate.LoadKeySet(context.Background(), e.Server.URL+certificate.JWKSPath)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := certificate.Verify(keys, r.Body)
		if err != nil || st.AccountID != u.ID || st.ClosureID != id || st.Policy != "strict" {
			t.Fatalf("verify: %v %+v", err, st)
		}
		got := map[string]string{}
		for _, k := range st.Kept {
			if k.Indefinite {
				got[k.Item] = "indefinite"
			} else {
				got[k.Item] = k.Until.Sub(st.ClosedAt).String() + " " + k.Setting
			}
		}
		personal := st.ClosedAt.AddDate(0, 0, 90).Sub(st.ClosedAt).String() + " retention-personal=90d"
		records := st.ClosedAt.AddDate(10, 0, 0).Sub(st.ClosedAt).String() + " retention-records=10y"
		if got[certificate.ItemPersonal] != personal || got[certificate.ItemRecords] != records ||
			got[certificate.ItemAudit] != "indefinite" || got[certificate.ItemTombstone] != "indefinite" ||
			got[certificate.ItemClosure] != "indefinite" || got[certificate.ItemShared] != "indefinite" {
			t.Fatalf("kept: %v", got)
		}
		for _, lang := range []string{"en", "zh-CN"} {
			pdf := e.Call("GET", "/api/v1/admin/closures/"+id+"/certificate.pdf?lang="+lang, nil, op...).Expect(t, 200)
			if !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
				t.Fatalf("%s PDF: %d bytes", lang, len(pdf.Body))
			}
		}
	}, func(c *app.Config) {
		c.BaseURL = documentsBase
		c.Retention = lifecycle.Policy{Personal: lifecycle.Period{Days: 90}, Records: lifecycle.Period{Years: 10}}
	})
}
