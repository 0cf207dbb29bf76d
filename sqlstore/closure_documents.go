package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) InsertDocumentLink(ctx context.Context, l *purse.DocumentLink) error {
	_, err := t.exec(ctx, `INSERT INTO document_links (token_hash, closure_id, created_at, expires_at) VALUES (?,?,?,?)`,
		l.TokenHash, l.ClosureID, ts(l.CreatedAt), ts(l.ExpiresAt))
	if err != nil {
		return fmt.Errorf("storage: insert document link: %w", err)
	}
	return nil
}

func (t *tx) DocumentLink(ctx context.Context, tokenHash string) (*purse.DocumentLink, error) {
	l := &purse.DocumentLink{TokenHash: tokenHash}
	var created, expires int64
	err := t.queryRow(ctx, `SELECT closure_id, created_at, expires_at FROM document_links WHERE token_hash = ?`, tokenHash).
		Scan(&l.ClosureID, &created, &expires)
	if err != nil {
		return nil, t.notFound(err)
	}
	l.CreatedAt, l.ExpiresAt = tm(created), tm(expires)
	return l, nil
}

func (t *tx) PurgeDocumentLinks(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM document_links WHERE expires_at < ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("storage: purge document links: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (t *tx) InsertErasureReceipt(ctx context.Context, r *purse.ErasureReceipt) error {
	_, err := t.exec(ctx, `INSERT INTO erasure_receipts (closure_id, account_id, receipt, issued_at) VALUES (?,?,?,?)`,
		r.ClosureID, r.AccountID, string(r.Receipt), ts(r.IssuedAt))
	if err != nil {
		return fmt.Errorf("storage: insert erasure receipt: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) ErasureReceipt(ctx context.Context, closureID string) (*purse.ErasureReceipt, error) {
	r := &purse.ErasureReceipt{ClosureID: closureID}
	var receipt string
	var issued int64
	err := t.queryRow(ctx, `SELECT account_id, receipt, issued_at FROM erasure_receipts WHERE closure_id = ?`, closureID).
		Scan(&r.AccountID, &receipt, &issued)
	if err != nil {
		return nil, t.notFound(err)
	}
	r.Receipt, r.IssuedAt = []byte(receipt), tm(issued)
	return r, nil
}
