package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/purse-wallet/purse"
)

const approvalColumns = `id, kind, account_id, amount, params, reason, maker, checker, state, note, result,
	created_at, expires_at, decided_at`

func (t *tx) InsertApproval(ctx context.Context, a *purse.Approval) error {
	params, err := json.Marshal(a.Params)
	if err != nil {
		return fmt.Errorf("storage: insert approval: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO approvals (`+approvalColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.Kind, a.AccountID, a.Amount, string(params), a.Reason, a.Maker, a.Checker, string(a.State),
		a.Note, a.Result, ts(a.CreatedAt), ts(a.ExpiresAt), ts(a.DecidedAt))
	if err != nil {
		return fmt.Errorf("storage: insert approval: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) ApprovalForUpdate(ctx context.Context, id string) (*purse.Approval, error) {
	a, err := scanApproval(t.queryRow(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE id = ? FOR UPDATE`, id))
	if err != nil {
		return nil, t.notFound(err)
	}
	return a, nil
}

func (t *tx) Approvals(ctx context.Context, state purse.ApprovalState, limit int) ([]*purse.Approval, error) {
	rows, err := t.query(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE state = ?
		ORDER BY created_at, id LIMIT ?`, string(state), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: approvals: %w", err)
	}
	defer rows.Close()
	var out []*purse.Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: approvals: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) DecideApproval(ctx context.Context, a *purse.Approval) error {
	res, err := t.exec(ctx, `UPDATE approvals SET state = ?, checker = ?, note = ?, result = ?, decided_at = ?
		WHERE id = ? AND state = ?`, string(a.State), a.Checker, a.Note, a.Result, ts(a.DecidedAt), a.ID, string(purse.ApprovalPending))
	if err != nil {
		return fmt.Errorf("storage: decide approval: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("storage: decide approval: %w", err)
	} else if n != 1 {
		return purse.ErrNotFound
	}
	return nil
}

func scanApproval(r interface{ Scan(...any) error }) (*purse.Approval, error) {
	var a purse.Approval
	var params, state string
	var created, expires, decided int64
	if err := r.Scan(&a.ID, &a.Kind, &a.AccountID, &a.Amount, &params, &a.Reason, &a.Maker, &a.Checker, &state,
		&a.Note, &a.Result, &created, &expires, &decided); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &a.Params); err != nil {
		return nil, fmt.Errorf("approval %s params: %w", a.ID, err)
	}
	a.State, a.CreatedAt, a.ExpiresAt, a.DecidedAt = purse.ApprovalState(state), tm(created), tm(expires), tm(decided)
	return &a, nil
}
