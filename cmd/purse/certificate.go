package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/go-jose/go-jose/v4"
	"github.com/purse-wallet/purse/certificate"
)

// VerifyCertificateCmd checks a closure certificate or an erasure receipt (a compact JWS).
type VerifyCertificateCmd struct {
	File    string `arg:"" help:"The certificate or receipt (.jws) to check."`
	JWKS    string `name:"jwks" env:"PURSE_CERTIFICATE_JWKS" help:"The issuer's key set, a file or URL (default: fetched from the issuer the document names, <issuer>/.well-known/jwks.json). Give a saved copy to check offline."`
	KeyFile string `env:"PURSE_CERTIFICATE_KEY_FILE" help:"Or the signing key file itself (the operator's own check)."`
}

// Run verifies the document and prints what it states.
func (c *VerifyCertificateCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *VerifyCertificateCmd) run(ctx context.Context, out io.Writer) error {
	raw, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	var keys jose.JSONWebKeySet
	from := ""
	switch {
	case c.JWKS != "":
		keys, from = jose.JSONWebKeySet{}, c.JWKS
		if keys, err = certificate.LoadKeySet(ctx, c.JWKS); err != nil {
			return err
		}
	case c.KeyFile != "":
		s, err := certificate.LoadOrCreate(c.KeyFile, false)
		if err != nil {
			return err
		}
		keys, from = certificate.KeySet(s.Public()), c.KeyFile
	default:
		// The issuer is read from the document before it is verified: the key set fetched from it
		// proves only that the issuer named signed it, which is why the issuer is printed first.
		st, err := certificate.Payload(raw)
		if err != nil {
			return err
		}
		if keys, err = certificate.IssuerKeySet(ctx, st.Issuer); err != nil {
			return err
		}
		from = st.Issuer + certificate.JWKSPath
	}
	st, kid, err := certificate.Verify(keys, raw)
	if err != nil {
		fmt.Fprintf(out, "INVALID: %v\n", err)
		return err
	}
	fmt.Fprintf(out, "valid %s, issued by %s, key %s (from %s)\n", st.Kind, st.Issuer, kid, from)
	fmt.Fprintf(out, "request %s, policy %s, account %s\n", st.ClosureID, st.Policy, st.AccountID)
	fmt.Fprintf(out, "requested %s, closed %s, issued %s (times UTC; the operator's zone is %s)\n",
		st.RequestedAt.Format("2006-01-02 15:04:05"), st.ClosedAt.Format("2006-01-02 15:04:05"), st.IssuedAt.Format("2006-01-02 15:04:05"), st.TimeZone)
	for _, x := range st.Closed {
		fmt.Fprintf(out, "closed: %s (%d)\n", x.Item, x.Count)
	}
	for _, e := range st.Erased {
		if e.At != nil {
			fmt.Fprintf(out, "erased %s: %s [%s]\n", e.At.Format("2006-01-02 15:04:05"), e.Item, e.Setting)
		} else {
			fmt.Fprintf(out, "to be erased %s: %s [%s]\n", e.Due.Format("2006-01-02 15:04:05"), e.Item, e.Setting)
		}
	}
	for _, k := range st.Kept {
		if k.Indefinite {
			fmt.Fprintf(out, "kept indefinitely: %s (%s)\n", k.Item, k.Why)
		} else {
			fmt.Fprintf(out, "kept until %s: %s (%s) [%s]\n", k.Until.Format("2006-01-02 15:04:05"), k.Item, k.Why, k.Setting)
		}
	}
	return nil
}
