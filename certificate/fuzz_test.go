package certificate_test

import (
	"bytes"
	"crypto/ed25519"
	"reflect"
	"testing"
	"time"

	"github.com/purse-wallet/purse/certificate"
)

// FuzzVerify feeds Verify altered certificates: whatever the bytes, it never panics, and it accepts
// nothing but the statement that was signed (issue 7: the certificate verifier).
func FuzzVerify(f *testing.F) {
	signer := &certificate.Signer{Key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))}
	at := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	want := &certificate.Statement{Version: 1, Issuer: "purse", AccountID: "01a1fdc1-6674-73dc-895e-f2817f9e608a",
		ClosureID: "01a1fdc1-6674-73dc-895e-f2817f9e6000", Policy: "strict", RequestedAt: at, ClosedAt: at.Add(7 * 24 * time.Hour),
		Erased: []string{"sessions", "cards"}, Kept: []certificate.Kept{{What: "ledger", Why: "AML", Until: at.AddDate(5, 0, 0)}}}
	genuine, err := signer.Sign(want)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine)
	f.Add(bytes.Replace(genuine, []byte("strict"), []byte("tenpay"), 1))
	f.Add(bytes.Replace(genuine, []byte(`"signature": "`), []byte(`"signature": "A`), 1))
	f.Add([]byte(`{"statement":null,"signature":""}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := certificate.Verify(signer.Public(), raw)
		if err != nil {
			return
		}
		// Accepted: it must say exactly what was signed. Whitespace outside the statement may
		// differ; the statement itself may not.
		got.RequestedAt, got.ClosedAt = got.RequestedAt.UTC(), got.ClosedAt.UTC()
		for i := range got.Kept {
			got.Kept[i].Until = got.Kept[i].Until.UTC()
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("an altered certificate verified: %+v", got)
		}
	})
}
