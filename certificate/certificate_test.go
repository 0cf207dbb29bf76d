package certificate_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/lifecycle"
)

var closedAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func signer(t testing.TB, retention lifecycle.Policy) *certificate.Signer {
	s, err := certificate.ParseKey(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	s.Retention, s.Issuer = retention, "https://wallet.example.com"
	return s
}

func facts() certificate.Facts {
	return certificate.Facts{AccountID: "01a1fdc1-6674-73dc-895e-f2817f9e608a", ClosureID: "01a1fdc1-6674-73dc-895e-f2817f9e6000",
		Policy: "strict", RequestedAt: closedAt.Add(-7 * 24 * time.Hour), ClosedAt: closedAt, Sessions: 2, Cards: 1}
}

// TestStatementFromSettings (issue 16): with 90 days / 10 years configured for the purge, the
// certificate says 90 days / 10 years (it used to say the policy file's 30 days / 5 years); it
// lists what is kept for good; and it claims nothing erased at closure.
func TestStatementFromSettings(t *testing.T) {
	t.Parallel()
	s := signer(t, lifecycle.Policy{Personal: lifecycle.Period{Days: 90}, Records: lifecycle.Period{Years: 10}})
	st := s.Closure(facts(), closedAt)
	want := map[string]string{}
	for _, k := range st.Kept {
		if k.Indefinite {
			want[k.Item] = "indefinite"
		} else {
			want[k.Item] = k.Until.Format(time.DateOnly) + " " + k.Setting
		}
	}
	for item, w := range map[string]string{
		certificate.ItemPersonal: "2026-05-31 retention-personal=90d", certificate.ItemRecords: "2036-03-02 retention-records=10y",
		certificate.ItemAudit: "indefinite", certificate.ItemTombstone: "indefinite", certificate.ItemClosure: "indefinite",
		certificate.ItemShared: "indefinite",
		// The identity the AML records keep (issue 15), stated with its fields and period.
		certificate.ItemRecordsIdentity: "2036-03-02 records-identity=name,phone retention-records=10y",
	} {
		if want[item] != w {
			t.Errorf("kept %s: %q, want %q", item, want[item], w)
		}
	}
	for _, e := range st.Erased {
		if e.At != nil || e.Due == nil || !e.Due.Equal(closedAt.AddDate(0, 0, 90)) {
			t.Errorf("erased %s at closure: %+v (the purge erases it on day 90)", e.Item, e)
		}
	}
	// The defaults are the purge's defaults: personal data goes on day 30, except the identity
	// the AML records keep (name, phone), which goes with the records after five years.
	d := signer(t, lifecycle.Policy{}).Closure(facts(), closedAt)
	if !d.Kept[0].Until.Equal(closedAt.AddDate(0, 0, 30)) || !d.Kept[1].Until.Equal(closedAt.AddDate(5, 0, 0)) ||
		d.Kept[2].Item != certificate.ItemRecordsIdentity || !d.Kept[2].Until.Equal(closedAt.AddDate(5, 0, 0)) {
		t.Errorf("defaults: %+v %+v %+v", d.Kept[0], d.Kept[1], d.Kept[2])
	}
	// Keeping no identity (--records-identity none) is stated as such: the item is not listed.
	for _, k := range signer(t, lifecycle.Policy{RecordsIdentity: []string{}}).Closure(facts(), closedAt).Kept {
		if k.Item == certificate.ItemRecordsIdentity {
			t.Errorf("records identity stated as kept under none: %+v", k)
		}
	}
}

// TestVerifiedByAnotherJOSELibrary: the certificate is a standard JWS (EdDSA) whose payload is
// RFC 8785 JSON, checked here with lestrrat-go/jwx against the published JWKS; purse itself
// signs with go-jose.
func TestVerifiedByAnotherJOSELibrary(t *testing.T) {
	t.Parallel()
	s := signer(t, lifecycle.Policy{})
	raw, err := s.Sign(s.Closure(facts(), closedAt))
	if err != nil {
		t.Fatal(err)
	}
	jwksJSON, err := json.Marshal(s.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	set, err := jwk.Parse(jwksJSON)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(raw, jws.WithKeySet(set))
	if err != nil {
		t.Fatalf("jwx refuses purse's certificate: %v", err)
	}
	canon, err := jcs.Transform(payload)
	if err != nil || !bytes.Equal(canon, payload) {
		t.Fatalf("payload is not RFC 8785 canonical: %s", payload)
	}
	var st map[string]any
	if err := json.Unmarshal(payload, &st); err != nil || st["closure_id"] != facts().ClosureID || st["kind"] != "closure-certificate" {
		t.Fatalf("payload: %s", payload)
	}
	msg, err := jws.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	if kid, _ := h.KeyID(); kid != certificate.KeyID(s.Public()) {
		t.Fatalf("kid %q", kid)
	}
	if alg, _ := h.Algorithm(); alg.String() != "EdDSA" {
		t.Fatalf("alg %v", alg)
	}
	// A changed payload fails jwx too.
	parts := strings.Split(string(raw), ".")
	forged := strings.Replace(string(payload), `"policy":"strict"`, `"policy":"tenpay"`, 1)
	if _, err := jws.Verify([]byte(parts[0]+"."+base64.RawURLEncoding.EncodeToString([]byte(forged))+"."+parts[2]), jws.WithKeySet(set)); err == nil {
		t.Fatal("jwx accepted a forged payload")
	}
}

func TestSignVerify(t *testing.T) {
	t.Parallel()
	s := signer(t, lifecycle.Policy{})
	raw, err := s.Sign(s.Closure(facts(), closedAt))
	if err != nil {
		t.Fatal(err)
	}
	st, kid, err := certificate.Verify(s.JWKS(), raw)
	if err != nil || st.AccountID != facts().AccountID || kid != certificate.KeyID(s.Public()) || st.Closed[2].Count != 1 {
		t.Fatalf("verify: %v %+v", err, st)
	}
	other := ed25519.NewKeyFromSeed(make([]byte, 32))
	if _, _, err := certificate.Verify(certificate.KeySet(other.Public().(ed25519.PublicKey)), raw); err == nil {
		t.Fatal("verified against another key")
	}
	// The same statement signed over a non-canonical payload (extra spaces) verifies as a JWS but
	// is refused: one statement has one signed form.
	parts := strings.Split(string(raw), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var pretty bytes.Buffer
	json.Indent(&pretty, payload, "", " ")
	if _, err := certificate.Parse(pretty.Bytes()); err == nil {
		t.Fatal("non-canonical payload accepted")
	}
	if _, _, err := certificate.Verify(s.JWKS(), []byte(parts[0]+"."+parts[1]+"."+parts[2][:10]+"AAAA"+parts[2][14:])); !errors.Is(err, certificate.ErrBadSignature) {
		t.Fatalf("bad signature: %v", err)
	}
}

// TestCanonicalVectors: the canonical form is RFC 8785's (its appendix's sorted keys and number
// forms), through the JCS library purse signs with.
func TestCanonicalVectors(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"b": 1, "a": [1E2, 1.50, "\u20ac"]}`:                                          `{"a":[100,1.5,"€"],"b":1}`,
		`{"\u00e9": 1, "e": 2, "\ud83d\ude00": 3, "\r": 4}`:                             `{"\r":4,"e":2,"é":1,"😀":3}`,
		`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}`: `{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}`,
	} {
		got, err := jcs.Transform([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s → %s (%v), want %s", in, got, err, want)
		}
	}
}
