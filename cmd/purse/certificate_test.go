package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/lifecycle"
)

// TestVerifyCertificateCmd: `purse verify-certificate FILE` with no flag fetches the key set from
// the issuer the document names; --jwks takes a saved key set (offline) or a URL; --key-file the
// signing key. A changed byte or another issuer's key is refused.
func TestVerifyCertificateCmd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "cert.key")
	s, err := certificate.LoadOrCreate(keyFile, true)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(s.JWKS())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != certificate.JWKSPath {
			http.NotFound(w, r)
			return
		}
		w.Write(jwks)
	}))
	defer srv.Close()
	s.Issuer, s.Retention = srv.URL, lifecycle.Policy{Personal: lifecycle.Period{Days: 90}, Records: lifecycle.Period{Years: 10}}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw, err := s.Sign(s.Closure(certificate.Facts{AccountID: "acct", ClosureID: "req", Policy: "strict", RequestedAt: at.Add(-time.Hour), ClosedAt: at}, at))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "c.jws")
	os.WriteFile(file, raw, 0o600)
	jwksFile := filepath.Join(dir, "jwks.json")
	os.WriteFile(jwksFile, jwks, 0o600)
	for name, cmd := range map[string]*VerifyCertificateCmd{
		"no flags (issuer)": {File: file}, "saved key set": {File: file, JWKS: jwksFile},
		"key set URL": {File: file, JWKS: srv.URL + certificate.JWKSPath}, "key file": {File: file, KeyFile: keyFile},
	} {
		var out bytes.Buffer
		if err := cmd.run(context.Background(), &out); err != nil {
			t.Fatalf("%s: valid certificate refused: %v", name, err)
		}
		if !strings.Contains(out.String(), "issued by "+srv.URL) || !strings.Contains(out.String(), "kept until 2036-03-02 09:00:00: ledger_records") ||
			!strings.Contains(out.String(), "to be erased 2026-05-31 09:00:00: personal_data [retention-personal=90d]") {
			t.Fatalf("%s: %s", name, out.String())
		}
	}
	// One byte of the payload changed (account "acct" → "acc2" in base64url).
	parts := strings.Split(string(raw), ".")
	st, _ := certificate.Payload(raw)
	st.AccountID = "acc2"
	canon, _ := st.Canonical()
	forged := parts[0] + "." + b64(canon) + "." + parts[2]
	os.WriteFile(file, []byte(forged), 0o600)
	if err := (&VerifyCertificateCmd{File: file}).run(context.Background(), &bytes.Buffer{}); err == nil {
		t.Fatal("tampered certificate accepted")
	}
	other, _ := certificate.LoadOrCreate(filepath.Join(dir, "other.key"), true)
	otherSet, _ := json.Marshal(other.JWKS())
	os.WriteFile(jwksFile, otherSet, 0o600)
	os.WriteFile(file, raw, 0o600)
	if err := (&VerifyCertificateCmd{File: file, JWKS: jwksFile}).run(context.Background(), &bytes.Buffer{}); err == nil {
		t.Fatal("certificate accepted against another key set")
	}
}

func b64(b []byte) string { return base64URL.EncodeToString(b) }

var base64URL = base64.RawURLEncoding
