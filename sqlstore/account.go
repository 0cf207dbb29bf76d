package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/purse-wallet/purse"
)

const accountColumns = `id, kind, status, phone_hash, email_hash, phone_sealed, email_sealed, name_sealed,
	phone_masked, password_hash, payment_password_hash, language, certificate_required, certificate_id,
	activated, one_click_pay, login_failures, login_locked_until, pay_failures, pay_locked_until,
	legal_hold, created_at, updated_at, closed_at, purged_at`

func (t *tx) InsertAccount(ctx context.Context, a *purse.AccountRecord) error {
	err := t.insertUnique(ctx, `INSERT INTO accounts (`+accountColumns+`)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, accountArgs(a)...)
	if err != nil {
		return fmt.Errorf("storage: insert account: %w", err)
	}
	t.created = a.ID
	return nil
}

func accountArgs(a *purse.AccountRecord) []any {
	return []any{a.ID, string(a.Kind), string(a.Status), nullable(a.PhoneHash), nullable(a.EmailHash),
		a.PhoneSealed, a.EmailSealed, a.NameSealed, a.PhoneMasked, a.PasswordHash, a.PaymentPasswordHash,
		a.Language, a.CertificateRequired, a.CertificateID, a.Activated, a.OneClickPay, a.LoginFailures,
		ts(a.LoginLockedUntil), a.PayFailures, ts(a.PayLockedUntil), a.LegalHold, ts(a.CreatedAt),
		ts(a.UpdatedAt), ts(a.ClosedAt), ts(a.PurgedAt)}
}

const selectAccount = `SELECT ` + accountColumns + ` FROM accounts WHERE id = ?`

func (t *tx) Account(ctx context.Context, id string) (*purse.AccountRecord, error) {
	a, err := scanAccount(t.queryRowHot(ctx, selectAccount, id))
	if err != nil {
		return nil, t.notFound(err)
	}
	return a, nil
}

func (t *tx) AccountForUpdate(ctx context.Context, id string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ? FOR UPDATE`, id)
}

func (t *tx) LiveAccountByLookup(ctx context.Context, hash string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE (phone_hash = ? OR email_hash = ?) AND status NOT IN ('closed','purged')`, hash, hash)
}

func (t *tx) LatestAccountByLookup(ctx context.Context, hash string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE phone_hash = ? OR email_hash = ? ORDER BY created_at DESC, id DESC LIMIT 1`, hash, hash)
}

func (t *tx) oneAccount(ctx context.Context, q string, args ...any) (*purse.AccountRecord, error) {
	a, err := scanAccount(t.queryRow(ctx, q, args...))
	if err != nil {
		return nil, t.notFound(err)
	}
	return a, nil
}

func scanAccount(row interface{ Scan(...any) error }) (*purse.AccountRecord, error) {
	var a purse.AccountRecord
	var kind, status string
	var phoneHash, emailHash sql.NullString
	var lockedUntil, payLockedUntil, created, updated, closed, purged int64
	err := row.Scan(&a.ID, &kind, &status, &phoneHash, &emailHash, &a.PhoneSealed, &a.EmailSealed,
		&a.NameSealed, &a.PhoneMasked, &a.PasswordHash, &a.PaymentPasswordHash, &a.Language,
		&a.CertificateRequired, &a.CertificateID, &a.Activated, &a.OneClickPay, &a.LoginFailures,
		&lockedUntil, &a.PayFailures, &payLockedUntil, &a.LegalHold, &created, &updated, &closed, &purged)
	if err != nil {
		return nil, err
	}
	a.Kind, a.Status = purse.AccountKind(kind), purse.AccountStatus(status)
	a.PhoneHash, a.EmailHash = phoneHash.String, emailHash.String
	a.LoginLockedUntil, a.PayLockedUntil = tm(lockedUntil), tm(payLockedUntil)
	a.CreatedAt, a.UpdatedAt, a.ClosedAt, a.PurgedAt = tm(created), tm(updated), tm(closed), tm(purged)
	return &a, nil
}

func (t *tx) UpdateAccount(ctx context.Context, a *purse.AccountRecord) error {
	t.accountChanged(a.ID) // before the statement: a failed update may still have changed the row
	args := accountArgs(a)
	res, err := t.exec(ctx, `UPDATE accounts SET kind = ?, status = ?, phone_hash = ?, email_hash = ?,
		phone_sealed = ?, email_sealed = ?, name_sealed = ?, phone_masked = ?, password_hash = ?,
		payment_password_hash = ?, language = ?, certificate_required = ?, certificate_id = ?, activated = ?,
		one_click_pay = ?, login_failures = ?, login_locked_until = ?, pay_failures = ?, pay_locked_until = ?,
		legal_hold = ?, created_at = ?, updated_at = ?, closed_at = ?, purged_at = ? WHERE id = ?`,
		append(args[1:], a.ID)...)
	if err := t.duplicate(err); err != nil {
		return fmt.Errorf("storage: update account %s: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	return nil
}

func (t *tx) CountAccounts(ctx context.Context) (map[purse.AccountStatus]int, error) {
	rows, err := t.query(ctx, `SELECT status, COUNT(*) FROM accounts GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("storage: count accounts: %w", err)
	}
	defer rows.Close()
	out := map[purse.AccountStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[purse.AccountStatus(s)] = n
	}
	return out, rows.Err()
}
