package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
)

// accountColumnsOf is an account's columns as a query names the accounts table (its name or
// alias), its lookup hashes read beside it from account_lookups (issue 15: they are kept out of
// the accounts rows, whose dead versions PostgreSQL leaves in freed space). A purged account
// has no lookup row: its hashes read as NULL.
//
// Both hashes come in one column, joined by a space (they are hex): on PostgreSQL account_lookups
// is partitioned (migration 00350), and each subquery by the outer row's id starts every partition
// of it before picking one, so one subquery costs half of two (issue 19 session 10).
func accountColumnsOf(table string) string {
	return accountColumnsFinding(table, table+".id")
}

// accountColumnsFinding is accountColumnsOf with the lookup row found by key, an expression
// equal to the account's id. The lookup is by its table's key, one row at most: LIMIT 1 (see
// oneRow) lets a statement that finds it by a parameter settle on a cached plan.
func accountColumnsFinding(table, key string) string {
	lookups := `(SELECT coalesce(l.phone_hash, '') || ' ' || coalesce(l.email_hash, '') FROM account_lookups l
		WHERE l.account_id = ` + key + oneRow + `)`
	return prefixed(table+".", `id, kind, status`) + `, ` + lookups + `, ` +
		prefixed(table+".", accountRowColumns[len(`id, kind, status, `):])
}

// oneRow ends a read by a hash-partitioned table's key (account_lookups, data_keys on PostgreSQL),
// which finds one row at most. Without it PostgreSQL 15 never settles on the generic plan of such
// a statement: a custom plan prunes to one partition when it is planned, and its estimate is a
// sixteenth of the generic plan's, whose partitions are pruned only when the executor starts; so
// every execution was planned anew (pg_stat_statements: data_keys' read by account 472 plans in
// 464 calls, 0.33 ms of planning against 0.03 ms of execution; Account's 240 in 232). Under LIMIT
// 1 the generic plan's estimate is one partition's, the plan is cached after five executions, and
// the executor still starts only the account's partition (issue 19 session 12,
// TestPartitionReadsSettleOnACachedPlan). On SQLite it changes nothing.
const oneRow = ` LIMIT 1`

// accountColumnsByID is accountColumns for a statement that reads one account by its id: the
// lookup row is found by a placeholder, the first of the statement, that takes the id again.
// On PostgreSQL a partition key compared with a parameter is pruned when the executor starts, so
// the cached (generic) plan pgx's prepared statements settle on (see oneRow) opens one partition
// of account_lookups; compared with the outer row's id, pruning waits for the row and all 16
// partitions' scans are set up at every execution (issue 19 session 11). Naming the account's
// partition in the statement text would prune when planning, but it makes 16 statements of each,
// and PostgreSQL plans each five times as a custom plan on every connection before it caches one:
// measured, three times the planning per new connection for a tenth less per execution.
var accountColumnsByID = accountColumnsFinding("accounts", "?")

// accountRowColumns are the accounts table's own columns.
const accountRowColumns = `id, kind, status, phone_sealed, email_sealed, name_sealed,
	password_hash, payment_password_hash, language, certificate_required, certificate_id,
	activated, one_click_pay, login_failures, login_locked_until, pay_failures, pay_locked_until,
	legal_hold, created_at, updated_at, closed_at, purged_at`

var accountColumns = accountColumnsOf("accounts")

func (t *tx) InsertAccount(ctx context.Context, a *purse.AccountRecord) error {
	err := t.insertUnique(ctx, `INSERT INTO accounts (`+accountRowColumns+`)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, accountArgs(a)...)
	if err != nil {
		return fmt.Errorf("storage: insert account: %w", err)
	}
	if a.PhoneHash != "" || a.EmailHash != "" {
		// The hashes first: their live unique index is the one a registration may meet.
		if err := t.insertHashes(ctx, a); err != nil {
			return fmt.Errorf("storage: insert account: %w", err)
		}
		_, err = t.exec(ctx, `INSERT INTO account_lookups (account_id, phone_hash, email_hash, live) VALUES (?,?,?,?)`,
			a.ID, nullable(a.PhoneHash), nullable(a.EmailHash), a.Status.Live())
		if err != nil {
			return fmt.Errorf("storage: insert account: %w", err)
		}
	}
	t.created = a.ID
	return nil
}

func accountArgs(a *purse.AccountRecord) []any {
	return []any{a.ID, string(a.Kind), string(a.Status),
		a.PhoneSealed, a.EmailSealed, a.NameSealed, a.PasswordHash, a.PaymentPasswordHash,
		a.Language, a.CertificateRequired, a.CertificateID, a.Activated, a.OneClickPay, a.LoginFailures,
		ts(a.LoginLockedUntil), a.PayFailures, ts(a.PayLockedUntil), a.LegalHold, ts(a.CreatedAt),
		ts(a.UpdatedAt), ts(a.ClosedAt), ts(a.PurgedAt)}
}

// selectAccount takes the account's id twice (accountColumnsByID).
var selectAccount = `SELECT ` + accountColumnsByID + ` FROM accounts WHERE id = ?`

func (t *tx) Account(ctx context.Context, id string) (*purse.AccountRecord, error) {
	a, err := scanAccount(t.queryRowHot(ctx, selectAccount, id, id))
	if err != nil {
		return nil, t.notFound(err)
	}
	return a, nil
}

var accountForUpdate = `SELECT ` + accountColumnsByID + ` FROM accounts WHERE id = ? FOR UPDATE`

func (t *tx) AccountForUpdate(ctx context.Context, id string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, accountForUpdate, id, id)
}

// byLookup finds accounts by a lookup hash, a phone's or an e-mail's, through lookup_hashes' key
// (on PostgreSQL in the one partition of that hash).
const byLookup = `id IN (SELECT account_id FROM lookup_hashes WHERE hash = ?)`

// liveAccountByLookup is the look-up of every sign-in and registration.
var liveAccountByLookup = `SELECT ` + accountColumns + ` FROM accounts
	WHERE id IN (SELECT account_id FROM lookup_hashes WHERE hash = ? AND live)`

var latestAccountByLookup = `SELECT ` + accountColumns + ` FROM accounts
	WHERE ` + byLookup + ` ORDER BY created_at DESC, id DESC LIMIT 1`

func (t *tx) LiveAccountByLookup(ctx context.Context, hash string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, liveAccountByLookup, hash)
}

func (t *tx) LatestAccountByLookup(ctx context.Context, hash string) (*purse.AccountRecord, error) {
	return t.oneAccount(ctx, latestAccountByLookup, hash)
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
	var lookups sql.NullString
	var lockedUntil, payLockedUntil, created, updated, closed, purged int64
	err := row.Scan(&a.ID, &kind, &status, &lookups, &a.PhoneSealed, &a.EmailSealed,
		&a.NameSealed, &a.PasswordHash, &a.PaymentPasswordHash, &a.Language,
		&a.CertificateRequired, &a.CertificateID, &a.Activated, &a.OneClickPay, &a.LoginFailures,
		&lockedUntil, &a.PayFailures, &payLockedUntil, &a.LegalHold, &created, &updated, &closed, &purged)
	if err != nil {
		return nil, err
	}
	a.Kind, a.Status = purse.AccountKind(kind), purse.AccountStatus(status)
	a.PhoneHash, a.EmailHash, _ = strings.Cut(lookups.String, " ")
	a.LoginLockedUntil, a.PayLockedUntil = tm(lockedUntil), tm(payLockedUntil)
	a.CreatedAt, a.UpdatedAt, a.ClosedAt, a.PurgedAt = tm(created), tm(updated), tm(closed), tm(purged)
	return &a, nil
}

func (t *tx) UpdateAccount(ctx context.Context, a *purse.AccountRecord) error {
	t.accountChanged(a.ID) // before the statement: a failed update may still have changed the row
	args := accountArgs(a)
	res, err := t.exec(ctx, `UPDATE accounts SET kind = ?, status = ?,
		phone_sealed = ?, email_sealed = ?, name_sealed = ?, password_hash = ?,
		payment_password_hash = ?, language = ?, certificate_required = ?, certificate_id = ?, activated = ?,
		one_click_pay = ?, login_failures = ?, login_locked_until = ?, pay_failures = ?, pay_locked_until = ?,
		legal_hold = ?, created_at = ?, updated_at = ?, closed_at = ?, purged_at = ? WHERE id = ?`,
		append(args[1:], a.ID)...)
	if err != nil {
		return fmt.Errorf("storage: update account %s: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return purse.ErrNotFound
	}
	if err := t.saveLookups(ctx, a); err != nil {
		return fmt.Errorf("storage: update account %s: %w", a.ID, err)
	}
	return nil
}

// saveLookups makes the account's lookup row and its lookup_hashes rows its current hashes and
// liveness. It reads the stored row first (by account id: one partition on PostgreSQL) and writes
// only what changed: most account updates (a wrong password, a lock) change neither, and a
// closure changes only the liveness.
//
// The stored row also says which lookup_hashes rows the account has: the two tables change
// together, in the same transaction, here and at registration (insertHashes) and the purge. A
// hash the account no longer has is deleted by that hash, where the delete by account id it
// replaces had to search every partition of lookup_hashes (partitioned by hash) at every closure:
// 0.196 ms a call on the server against 0.014 ms for the read by account id (pg_stat_statements,
// docs/BENCHMARKS.md session 14). An account left with no hash still deletes
// by account id: that is an erasure, done rarely and thoroughly.
func (t *tx) saveLookups(ctx context.Context, a *purse.AccountRecord) error {
	var phone, email sql.NullString
	var live bool
	err := t.queryRow(ctx, selectStoredLookups, a.ID).Scan(&phone, &email, &live)
	stored := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if a.PhoneHash == "" && a.EmailHash == "" {
		if stored {
			if _, err := t.exec(ctx, `DELETE FROM account_lookups WHERE account_id = ?`, a.ID); err != nil {
				return err
			}
		}
		_, err := t.eraseRows(ctx, `DELETE FROM lookup_hashes WHERE account_id = ?`, a.ID)
		return err
	}
	if stored && phone.String == a.PhoneHash && email.String == a.EmailHash && live == a.Status.Live() {
		return nil
	}
	if _, err := t.exec(ctx, upsertLookups, a.ID, nullable(a.PhoneHash), nullable(a.EmailHash), a.Status.Live()); err != nil {
		return t.duplicate(err)
	}
	for _, h := range []struct{ kind, old, now string }{{"phone", phone.String, a.PhoneHash}, {"email", email.String, a.EmailHash}} {
		if h.old != "" && h.old != h.now {
			if _, err := t.eraseRows(ctx, `DELETE FROM lookup_hashes WHERE hash = ? AND kind = ? AND account_id = ?`, h.old, h.kind, a.ID); err != nil {
				return err
			}
		}
	}
	// A kept hash takes the liveness; a new one comes. A live hash another live account holds
	// fails on lookup_hashes_live: purse.ErrDuplicate.
	q, args := hashRows(a)
	_, err = t.exec(ctx, q+` ON CONFLICT (hash, kind, account_id) DO UPDATE SET live = excluded.live
		WHERE lookup_hashes.live <> excluded.live`, args...)
	return t.duplicate(err)
}

// selectStoredLookups reads an account's lookup row (one row at most: oneRow, without which
// PostgreSQL planned it anew at every execution: 1,040 plans in 1,032 calls).
const selectStoredLookups = `SELECT phone_hash, email_hash, live FROM account_lookups WHERE account_id = ?` + oneRow

const upsertLookups = `INSERT INTO account_lookups (account_id, phone_hash, email_hash, live) VALUES (?,?,?,?)
	ON CONFLICT (account_id) DO UPDATE SET phone_hash = excluded.phone_hash, email_hash = excluded.email_hash,
	live = excluded.live`

// insertHashes writes a new account's lookup_hashes rows; purse.ErrDuplicate when a live account
// holds one of its hashes already (the transaction stays usable: see insertUnique).
func (t *tx) insertHashes(ctx context.Context, a *purse.AccountRecord) error {
	q, args := hashRows(a)
	res, err := t.exec(ctx, q+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if int(n) < len(args)/4 {
		return purse.ErrDuplicate
	}
	return nil
}

// hashRows is the INSERT of an account's lookup_hashes rows, one per hash it has.
func hashRows(a *purse.AccountRecord) (string, []any) {
	var args []any
	for _, h := range []struct{ kind, hash string }{{"phone", a.PhoneHash}, {"email", a.EmailHash}} {
		if h.hash != "" {
			args = append(args, h.hash, h.kind, a.ID, a.Status.Live())
		}
	}
	return `INSERT INTO lookup_hashes (hash, kind, account_id, live) VALUES ` + rowsValues(len(args)/4, 4), args
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
