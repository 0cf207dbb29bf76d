package certificate_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/lifecycle"
)

// FuzzVerify feeds Verify altered certificates: whatever the bytes, it never panics, and it accepts
// nothing but the statement that was signed.
func FuzzVerify(f *testing.F) {
	s := signer(f, lifecycle.Policy{})
	want := s.Closure(facts(), closedAt)
	genuine, err := s.Sign(want)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine)
	f.Add(bytes.Replace(genuine, []byte("."), []byte(".A"), 1))
	f.Add([]byte(strings.Repeat("a.", 3)))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, _, err := certificate.Verify(s.JWKS(), raw)
		if err != nil {
			return
		}
		a, _ := got.Canonical()
		b, _ := want.Canonical()
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("an altered certificate verified: %s", a)
		}
	})
}
