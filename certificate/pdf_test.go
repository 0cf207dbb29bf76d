package certificate_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/lifecycle"
)

// TestRenderTranslatesEveryItem (issue 16: the PDF listed its items in English only, showed UTC
// and lacked the request id and policy): both languages, every item and reason translated, times
// in the operator's zone.
func TestRenderTranslatesEveryItem(t *testing.T) {
	t.Parallel()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	cat, err := i18n.New(shanghai)
	if err != nil {
		t.Fatal(err)
	}
	s := signer(t, lifecycle.Policy{})
	s.Location = shanghai
	raw, err := s.Sign(s.Closure(facts(), closedAt))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := certificate.Payload(raw)
	receipt := s.Erasure(certificate.ErasureFacts{AccountID: st.AccountID, ClosureID: st.ClosureID, Policy: st.Policy,
		RequestedAt: st.RequestedAt, ClosedAt: st.ClosedAt, ErasedAt: closedAt.AddDate(0, 0, 30)})
	for lang, want := range map[string][]string{
		"zh-CN": {"账户注销证明", "2026年3月2日 17:00", "反洗钱", "长期保留", "Asia/Shanghai"},
		"en":    {"Account Closure Certificate", "2 Mar 2026 17:00 CST", "anti-money-laundering", "kept indefinitely"},
	} {
		for _, doc := range []*certificate.Statement{st, receipt} {
			d := certificate.Render(doc, "kid1", cat, lang)
			var all strings.Builder
			all.WriteString(d.Title + "\n")
			for _, f := range d.Fields {
				all.WriteString(f[0] + " " + f[1] + "\n")
			}
			for _, sec := range d.Sections {
				all.WriteString(sec.Heading + "\n" + strings.Join(sec.Lines, "\n") + "\n")
			}
			all.WriteString(strings.Join(d.Footer, "\n"))
			text := all.String()
			if strings.Contains(text, "cert_") || strings.Contains(text, "<no value>") {
				t.Errorf("%s %s: untranslated: %s", lang, doc.Kind, text)
			}
			for _, w := range []string{st.ClosureID, "strict", "https://wallet.example.com/.well-known/jwks.json"} {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s lacks %q", lang, doc.Kind, w)
				}
			}
			if doc == st {
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s lacks %q:\n%s", lang, w, text)
					}
				}
			}
		}
		pdf, err := certificate.PDF(raw, cat, lang)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s PDF: %v", lang, err)
		}
	}
}
