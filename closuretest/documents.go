package closuretest

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/secret"
)

// DocumentsLink gives the request a signed certificate, an erasure receipt and a documents link,
// as closing and purging would, and returns the link's path.
func DocumentsLink(t testing.TB, e *apitest.Env, id string) string {
	t.Helper()
	var c *purse.ClosureRequest
	if err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		c, err = tx.Closure(context.Background(), id, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	now := e.Clock.Now()
	s := e.App.Closures.Signer
	cert, err := s.Sign(s.Closure(certificate.Facts{AccountID: c.AccountID, ClosureID: id, Policy: c.Policy,
		RequestedAt: c.CreatedAt, ClosedAt: now, Sessions: 1}, now))
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := s.Sign(s.Erasure(certificate.ErasureFacts{AccountID: c.AccountID, ClosureID: id, Policy: c.Policy,
		RequestedAt: c.CreatedAt, ClosedAt: now, ErasedAt: now}))
	if err != nil {
		t.Fatal(err)
	}
	token := secret.NewToken("pcd_")
	Exec(t, e, `UPDATE closures SET certificate = ? WHERE id = ?`, string(cert), id)
	Exec(t, e, `INSERT INTO erasure_receipts (closure_id, account_id, receipt, issued_at) VALUES (?,?,?,?)`,
		id, c.AccountID, string(receipt), now.UnixMicro())
	Exec(t, e, `INSERT INTO document_links (token_hash, closure_id, created_at, expires_at) VALUES (?,?,?,?)`,
		secret.HashToken(token), id, now.UnixMicro(), now.Add(time.Hour).UnixMicro())
	return "/closure/documents/" + token
}
