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

func (t *tx) InsertDocumentLinks(ctx context.Context, ls []*purse.DocumentLink) error {
	for start := 0; start < len(ls); start += maxBatchRows {
		part := ls[start:min(start+maxBatchRows, len(ls))]
		args := make([]any, 0, 4*len(part))
		for _, l := range part {
			args = append(args, l.TokenHash, l.ClosureID, ts(l.CreatedAt), ts(l.ExpiresAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO document_links (token_hash, closure_id, created_at, expires_at) VALUES `+
			rowsValues(len(part), 4), args...); err != nil {
			return fmt.Errorf("storage: insert document links: %w", err)
		}
	}
	return nil
}

func (t *tx) ClosedClosures(ctx context.Context, accountIDs []string) ([]*purse.ClosureRequest, error) {
	var out []*purse.ClosureRequest
	err := chunks(accountIDs, func(in string, args []any) error {
		rows, err := t.query(ctx, `SELECT id, account_id, policy, created_at, closed_at FROM closures
			WHERE state = ? AND account_id IN `+in+` ORDER BY closed_at, id`, append([]any{string(purse.ClosureClosed)}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: closed closures: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c := &purse.ClosureRequest{State: purse.ClosureClosed}
			var created, closed int64
			if err := rows.Scan(&c.ID, &c.AccountID, &c.Policy, &created, &closed); err != nil {
				return fmt.Errorf("storage: closed closures: %w", err)
			}
			c.CreatedAt, c.ClosedAt = tm(created), tm(closed)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

func (t *tx) InsertErasureReceipts(ctx context.Context, rs []*purse.ErasureReceipt) error {
	for start := 0; start < len(rs); start += maxBatchRows {
		part := rs[start:min(start+maxBatchRows, len(rs))]
		args := make([]any, 0, 4*len(part))
		for _, r := range part {
			args = append(args, r.ClosureID, r.AccountID, string(r.Receipt), ts(r.IssuedAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO erasure_receipts (closure_id, account_id, receipt, issued_at) VALUES `+
			rowsValues(len(part), 4)+` ON CONFLICT (closure_id) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("storage: insert erasure receipts: %w", err)
		}
	}
	return nil
}
