package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/purse-wallet/purse/certificate"
)

// VerifyCertificateCmd checks a closure certificate's signature offline.
type VerifyCertificateCmd struct {
	File      string `arg:"" help:"The certificate (JSON) to check."`
	PublicKey string `env:"PURSE_CERTIFICATE_PUBLIC_KEY" help:"The operator's public key, base64 or hex (GET /api/v1/closure/public-key)."`
	KeyFile   string `env:"PURSE_CERTIFICATE_KEY_FILE" help:"Or the signing key file itself (the operator's own check)."`
}

// Run verifies the certificate and prints what it states.
func (c *VerifyCertificateCmd) Run() error {
	var pub ed25519.PublicKey
	switch {
	case c.PublicKey != "":
		k, err := certificate.ParsePublic(c.PublicKey)
		if err != nil {
			return err
		}
		pub = k
	case c.KeyFile != "":
		s, err := certificate.LoadOrCreate(c.KeyFile, false)
		if err != nil {
			return err
		}
		pub = s.Public()
	default:
		return errors.New("give --public-key or --key-file")
	}
	raw, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	st, err := certificate.Verify(pub, raw)
	if err != nil {
		return err
	}
	fmt.Printf("valid: account %s closed %s (request %s, policy %s, key %s)\n", st.AccountID,
		st.ClosedAt.Format("2006-01-02 15:04 MST"), st.ClosureID, st.Policy, certificate.KeyID(pub))
	fmt.Printf("erased: %s\n", strings.Join(st.Erased, "; "))
	for _, k := range st.Kept {
		fmt.Printf("kept until %s: %s (%s)\n", k.Until.Format("2006-01-02"), k.What, k.Why)
	}
	return nil
}
