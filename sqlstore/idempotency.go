package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) IdempotentResponse(ctx context.Context, scope, key string) (*purse.IdempotentResponse, error) {
	r := purse.IdempotentResponse{Scope: scope, Key: key}
	var header, sealedFor string
	var created int64
	err := t.queryRow(ctx, `SELECT request_hash, status, header, body, created_at, sealed_for
		FROM idempotent_responses WHERE scope = ? AND key = ?`, scope, key).
		Scan(&r.RequestHash, &r.Status, &header, &r.Body, &created, &sealedFor)
	if err != nil {
		return nil, t.notFound(err)
	}
	if sealed, ok := bytes.CutPrefix(r.Body, accountSealed); ok {
		// A row copied from elsewhere without its sealed_for, or whose account's key is gone,
		// does not open: refused like any answer that does not open, never replayed as it is.
		if sealedFor == "" {
			return nil, answerUnreadable(errors.New("sealed for an account, but names none"))
		}
		keys, err := t.keysOf(ctx, []string{sealedFor})
		if err != nil {
			return nil, fmt.Errorf("storage: idempotent response: %w", err)
		}
		if r.Body, err = keys.open(sealedFor, fieldAnswer+"\x00"+scope+"\x00"+key, sealed); err != nil {
			return nil, answerUnreadable(err)
		}
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
	// The answer (already sealed under the master key's answers key) is sealed again under its
	// account's data key, so that its copies in freed pages, the WAL and backups go with the key
	// at the purge instead of opening for as long as the master-key version lives.
	account, body := t.answerAccount(r.Scope), r.Body
	if account != "" {
		keys, err := t.keysOf(ctx, []string{account})
		if err != nil {
			return fmt.Errorf("storage: insert idempotent response: %w", err)
		}
		sealed, err := keys.seal(account, fieldAnswer+"\x00"+r.Scope+"\x00"+r.Key, body)
		if err != nil {
			return fmt.Errorf("storage: insert idempotent response: %w", err)
		}
		body = append(append([]byte{}, accountSealed...), sealed...)
	}
	err = t.insertUnique(ctx, `INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at,
		account_id, sealed_for) VALUES (?,?,?,?,?,?,?,?,?)`, r.Scope, r.Key, r.RequestHash, r.Status, string(header), body,
		ts(r.CreatedAt), account, account)
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

const fieldAnswer = "idempotent_responses.body"

// accountSealed marks an answer the store sealed under its account's key, so that a row without
// the mark is known to be one the store did not seal (see the http package's own mark).
var accountSealed = []byte("\x00account-sealed\x00")

func answerUnreadable(err error) error {
	return &purse.Error{Code: purse.CodeIdempotentAnswerUnreadable, Detail: "stored answer does not open",
		Err: fmt.Errorf("storage: idempotent response: %w", err)}
}

// answerAccount is the account a stored answer is about, which the purge deletes it with: the
// caller's own account (scope "<id>" for the API, "web:<id>" for the pages), or, for an anonymous
// request, the account it created in this transaction (a registration's answer holds the new
// account's phone, e-mail and name). Operators' answers belong to no account.
func (t *tx) answerAccount(scope string) string {
	switch {
	case scope == "anon":
		return t.created
	case strings.HasPrefix(scope, "operator:"):
		return ""
	}
	return strings.TrimPrefix(scope, "web:")
}
