package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) IdempotentResponse(ctx context.Context, scope, key string) (*purse.IdempotentResponse, error) {
	r := purse.IdempotentResponse{Scope: scope, Key: key}
	var header string
	var created int64
	err := t.queryRow(ctx, `SELECT request_hash, status, header, body, created_at
		FROM idempotent_responses WHERE scope = ? AND key = ?`, scope, key).
		Scan(&r.RequestHash, &r.Status, &header, &r.Body, &created)
	if err != nil {
		return nil, t.notFound(err)
	}
	if err := json.Unmarshal([]byte(header), &r.Header); err != nil {
		return nil, fmt.Errorf("storage: idempotent response header: %w", err)
	}
	r.CreatedAt = tm(created)
	return &r, nil
}

func (t *tx) InsertIdempotentResponse(ctx context.Context, r *purse.IdempotentResponse) error {
	header, err := json.Marshal(r.Header)
	if err != nil {
		return err
	}
	err = t.insertUnique(ctx, `INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
		VALUES (?,?,?,?,?,?,?)`, r.Scope, r.Key, r.RequestHash, r.Status, string(header), r.Body, ts(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("storage: insert idempotent response: %w", err)
	}
	return nil
}

// DeleteIdempotentResponses deletes the oldest answers, at most limit of them, through the
// created_at index: one unbounded DELETE held SQLite's single writer for as long as a day of
// answers took to delete (issue 17).
func (t *tx) DeleteIdempotentResponses(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM idempotent_responses WHERE (scope, key) IN (
		SELECT scope, key FROM idempotent_responses WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
		ts(before), limit)
	if err != nil {
		return 0, fmt.Errorf("storage: delete idempotent responses: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
