package http_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/certificate"
	ct "github.com/purse-wallet/purse/closuretest"
)

const documentsBase = "https://wallet.example.com"

var documentsLink = regexp.MustCompile(`https://wallet\.example\.com/closure/documents/[A-Za-z0-9_-]+\?lang=[a-zA-Z-]+`)

// linkIn returns the absolute documents link in the newest message of the template to an address.
func linkIn(t *testing.T, e *apitest.Env, to, template string) string {
	t.Helper()
	for _, m := range ct.Messages(t, e, to) {
		if m.Template == template {
			l := documentsLink.FindString(m.Body)
			if l == "" {
				t.Fatalf("the %s notice to %s carries no absolute documents link:\n%s", template, to, m.Body)
			}
			return strings.TrimPrefix(l, documentsBase)
		}
	}
	t.Fatalf("no %s notice to %s", template, to)
	return ""
}

// TestClosureDocumentsBySMSLink (issue 16: "a user without e-mail cannot get the certificate at
// all: a closed account cannot sign in and the SMS notice carries no link"): an account without
// e-mail closes under tenpay; the SMS closure notice carries an absolute link that opens, without
// signing in, the certificate as its JWS (verified against /.well-known/jwks.json) and as a PDF.
// After the 30-day period the purge's SMS notice carries a link too, and once the erasure ran the
// same links serve the signed erasure receipt: what was erased and when, what is kept until when.
// Once the link's stated time passed it opens nothing.
func TestClosureDocumentsBySMSLink(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		ctx := context.Background()
		u := e.SignUp("") // no e-mail: every notice goes by SMS
		f := start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		f = post(t, e, u, f.ID, "submit", nil, 200)
		if f.State != "closed" {
			t.Fatalf("tenpay closes at once: %+v", f)
		}
		closedAt := e.Clock.Now()
		link := linkIn(t, e, u.Phone, "closure_closed")
		keys, err := certificate.LoadKeySet(ctx, e.Server.URL+certificate.JWKSPath)
		if err != nil {
			t.Fatal(err)
		}

		// Without a session: the page, the signed certificate, its PDF; no receipt yet.
		page := e.Call("GET", link, nil).Expect(t, 200)
		path, _, _ := strings.Cut(link, "?")
		for _, want := range []string{"账户注销证明", f.ID, path + "/certificate.jws", "receipt-pending"} {
			if !strings.Contains(string(page.Body), want) {
				t.Errorf("the documents page lacks %q", want)
			}
		}
		signed := e.Call("GET", path+"/certificate.jws", nil).Expect(t, 200)
		st, _, err := certificate.Verify(keys, signed.Body)
		if err != nil || st.Kind != certificate.KindClosure || st.ClosureID != f.ID || st.AccountID != u.ID {
			t.Fatalf("certificate by link: %v %+v", err, st)
		}
		if pdf := e.Call("GET", path+"/certificate.pdf?lang=zh-CN", nil).Expect(t, 200); !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
			t.Fatalf("certificate PDF: %q", pdf.Body[:min(len(pdf.Body), 20)])
		}
		e.Call("GET", path+"/receipt.jws", nil).Expect(t, 404)
		e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/receipt", nil, apitest.Auth(e.Operator("agent"))...).ExpectProblem(t, 404, "NOT_FOUND")

		// Thirty days on, the purge notices (with a link), then erases and issues the receipt.
		e.Clock.Advance(30*24*time.Hour + time.Hour)
		runTask(t, e, "purge-personal")
		erasureLink := linkIn(t, e, u.Phone, "data_erased")
		for range 3 { // the notice leaves the outbox, then the erasure runs
			e.RunJobs()
			e.Clock.Advance(time.Minute)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusPurged {
			t.Fatalf("after the retention period: %s", st)
		}
		for _, l := range []string{link, erasureLink} {
			p, _, _ := strings.Cut(l, "?")
			raw := e.Call("GET", p+"/receipt.jws", nil).Expect(t, 200).Body
			// Anyone can check it: lestrrat-go/jwx, which purse does not use, against the published key set.
			set, err := jwk.Parse(e.Call("GET", certificate.JWKSPath, nil).Expect(t, 200).Body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify(raw, jws.WithKeySet(set)); err != nil {
				t.Fatalf("jwx refuses the receipt: %v", err)
			}
			rc, _, err := certificate.Verify(keys, raw)
			if err != nil || rc.Kind != certificate.KindErasure || rc.ClosureID != f.ID || rc.AccountID != u.ID {
				t.Fatalf("receipt by link: %v %+v", err, rc)
			}
			if len(rc.Erased) != 2 || rc.Erased[0].Item != certificate.ItemPersonal || rc.Erased[0].At == nil || !rc.Erased[0].At.Equal(erasedAt(t, e, u.ID)) {
				t.Fatalf("the receipt's erased items: %+v, want personal data erased at %s", rc.Erased, erasedAt(t, e, u.ID))
			}
			records := rc.Kept[0]
			if records.Item != certificate.ItemRecords || !records.Until.Equal(closedAt.UTC().Truncate(time.Second).AddDate(5, 0, 0)) {
				t.Fatalf("the receipt keeps %+v", records)
			}
			if page := e.Call("GET", l, nil).Expect(t, 200); strings.Contains(string(page.Body), "receipt-pending") ||
				!strings.Contains(string(page.Body), `id="receipt"`) {
				t.Fatalf("the page after the erasure does not show the receipt")
			}
		}

		// Support reads the same receipt (agent role), as JWS and PDF.
		op := apitest.Auth(e.Operator("agent"))
		if r := e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/receipt", nil, op...).Expect(t, 200); r.Header.Get("Content-Type") != "application/jose" {
			t.Fatalf("admin receipt: %q", r.Header.Get("Content-Type"))
		}
		e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/receipt.pdf?lang=en", nil, op...).Expect(t, 200)

		// The closure link's stated time is 90 days: after it, nothing opens.
		e.Clock.Advance(60 * 24 * time.Hour)
		e.Call("GET", path+"/certificate.jws", nil).Expect(t, 422)
		e.Call("GET", "/closure/documents/pcd_unknownunknownunknown/certificate.jws", nil).Expect(t, 422)
		runTask(t, e, "closure.document_links") // the dead links are deleted; the erasure's still works
		e.Call("GET", path+"/certificate.jws", nil).Expect(t, 422)
		p, _, _ := strings.Cut(erasureLink, "?")
		e.Call("GET", p+"/receipt.jws", nil).Expect(t, 200)
	}, ct.WithPolicy(t, "tenpay"), func(c *app.Config) { c.BaseURL = documentsBase })
}

// erasedAt is when the purge erased the account, as its audit event recorded it.
func erasedAt(t *testing.T, e *apitest.Env, id string) time.Time {
	t.Helper()
	var at time.Time
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		es, err := tx.AuditEvents(context.Background(), id, purse.AuditPos{}, 100)
		for _, ev := range es {
			if ev.Action == "retention.personal_erased" {
				at = ev.At.UTC().Truncate(time.Second)
			}
		}
		return err
	})
	if err != nil || at.IsZero() {
		t.Fatalf("no erasure event: %v", err)
	}
	return at
}
