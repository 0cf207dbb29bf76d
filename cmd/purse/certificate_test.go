package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/certificate"
)

func TestVerifyCertificateCmd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "cert.key")
	s, err := certificate.LoadOrCreate(keyFile, true)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.Sign(&certificate.Statement{Version: 1, AccountID: "acct", ClosedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "c.json")
	os.WriteFile(file, raw, 0o600)
	pub := base64.StdEncoding.EncodeToString(s.Public())
	if err := (&VerifyCertificateCmd{File: file, PublicKey: pub}).Run(); err != nil {
		t.Fatalf("valid certificate refused: %v", err)
	}
	if err := (&VerifyCertificateCmd{File: file, KeyFile: keyFile}).Run(); err != nil {
		t.Fatalf("valid certificate refused with the key file: %v", err)
	}
	os.WriteFile(file, []byte(strings.Replace(string(raw), "acct", "acc2", 1)), 0o600)
	if err := (&VerifyCertificateCmd{File: file, PublicKey: pub}).Run(); err == nil {
		t.Fatal("tampered certificate accepted")
	}
}
