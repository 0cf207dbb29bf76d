package certificate_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/lifecycle"
)

// viaJCS is the canonical form as the JCS library makes it from encoding/json's output: what
// Canonical wrote before it wrote the form itself (issue 19).
func viaJCS(t testing.TB, st *certificate.Statement) []byte {
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// oddStrings are strings whose escapes JCS and encoding/json write differently.
var oddStrings = []string{"", `quote " and \ backslash`, "\b\f\n\r\t\x00\x01\x1f\x7f", "<>&", "\u2028\u2029",
	"漢字 é 😀", "bad \xff\xfe utf-8 \xed\xa0\x80", "\ufffd"}

// TestCanonicalMatchesJCS: the statement's canonical form, written directly, is the JCS library's
// form of encoding/json's, byte for byte: for the closure certificate and the erasure receipt as
// issued, for empty lists and missing ones, and for strings JCS escapes otherwise than json.
func TestCanonicalMatchesJCS(t *testing.T) {
	t.Parallel()
	s := signer(t, lifecycle.Policy{Personal: lifecycle.Period{Days: 90}, Records: lifecycle.Period{Years: 10}})
	closure := s.Closure(facts(), closedAt)
	sts := []*certificate.Statement{closure, s.Erasure(certificate.ErasureFacts{AccountID: closure.AccountID, ClosureID: closure.ClosureID,
		Policy: closure.Policy, RequestedAt: closure.RequestedAt, ClosedAt: closedAt, ErasedAt: closedAt.Add(90 * 24 * time.Hour)}), {}}
	empty := *closure
	empty.Closed, empty.Erased, empty.Kept = []certificate.Closed{}, []certificate.Erased{}, []certificate.Kept{}
	sts = append(sts, &empty)
	nanos := *closure
	nanos.IssuedAt = time.Date(2026, 3, 2, 9, 0, 0, 120000, time.FixedZone("x", 3600))
	sts = append(sts, &nanos)
	for _, str := range oddStrings {
		odd := *closure
		odd.Issuer, odd.Policy, odd.TimeZone = str, str+"x", "x"+str
		odd.Kept = append([]certificate.Kept{{Item: str, Why: str, Setting: str}}, odd.Kept...)
		odd.Closed = append([]certificate.Closed{{Item: str, Count: -3}}, odd.Closed...)
		sts = append(sts, &odd)
	}
	for i, st := range sts {
		got, err := st.Canonical()
		if err != nil {
			t.Fatalf("statement %d: %v", i, err)
		}
		if want := viaJCS(t, st); !bytes.Equal(got, want) {
			t.Errorf("statement %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// FuzzCanonical holds the direct canonical form to the JCS library's for any strings and counts.
func FuzzCanonical(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s, s, 1, int64(0))
	}
	f.Fuzz(func(t *testing.T, a, b string, n int, at int64) {
		when := time.Unix(0, at).UTC()
		st := &certificate.Statement{Version: n, Kind: a, Issuer: b, AccountID: a + b, IssuedAt: when,
			Closed: []certificate.Closed{{Item: b, Count: n, At: when}},
			Erased: []certificate.Erased{{Item: a, Due: &when, Setting: b}},
			Kept:   []certificate.Kept{{Item: a, Why: b, Until: &when, Indefinite: n%2 == 0}}}
		got, err := st.Canonical()
		raw, jerr := json.Marshal(st)
		if jerr != nil {
			if err == nil {
				t.Fatalf("json refused the statement (%v), Canonical wrote %s", jerr, got)
			}
			return
		}
		want, werr := jcs.Transform(raw)
		if werr != nil || err != nil || !bytes.Equal(got, want) {
			t.Fatalf("\n got %s (%v)\nwant %s (%v)", got, err, want, werr)
		}
	})
}
