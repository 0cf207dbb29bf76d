package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

func (t *tx) TwoStep(ctx context.Context, accountID string) (*purse.TwoStep, error) {
	s := &purse.TwoStep{AccountID: accountID}
	var sms int
	var changed, updated int64
	err := t.queryRow(ctx, `SELECT totp_sealed, totp_pending_sealed, totp_last_step, sms_new_device, password_changed_at,
		updated_at FROM two_step WHERE account_id = ?`, accountID).
		Scan(&s.TOTPSealed, &s.TOTPPending, &s.TOTPLastStep, &sms, &changed, &updated)
	if err := t.notFound(err); errors.Is(err, purse.ErrNotFound) {
		return s, nil
	} else if err != nil {
		return nil, fmt.Errorf("storage: two-step of %s: %w", accountID, err)
	}
	s.SMSNewDevice, s.PasswordChangedAt, s.UpdatedAt = sms == 1, tm(changed), tm(updated)
	return s, nil
}

func (t *tx) SaveTwoStep(ctx context.Context, s *purse.TwoStep) error {
	sms := 0
	if s.SMSNewDevice {
		sms = 1
	}
	_, err := t.exec(ctx, `INSERT INTO two_step (account_id, totp_sealed, totp_pending_sealed, totp_last_step,
		sms_new_device, password_changed_at, updated_at) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (account_id) DO UPDATE SET totp_sealed = excluded.totp_sealed,
		totp_pending_sealed = excluded.totp_pending_sealed, totp_last_step = excluded.totp_last_step,
		sms_new_device = excluded.sms_new_device, password_changed_at = excluded.password_changed_at,
		updated_at = excluded.updated_at`, s.AccountID, s.TOTPSealed, s.TOTPPending, s.TOTPLastStep, sms,
		ts(s.PasswordChangedAt), ts(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storage: save two-step of %s: %w", s.AccountID, err)
	}
	return nil
}

func (t *tx) ReplaceRecoveryCodes(ctx context.Context, accountID string, hashes []string, now time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM recovery_codes WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("storage: delete recovery codes: %w", err)
	}
	for _, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?,?,?)`,
			accountID, h, ts(now)); err != nil {
			return fmt.Errorf("storage: insert recovery code: %w", err)
		}
	}
	return nil
}

func (t *tx) UseRecoveryCode(ctx context.Context, accountID, hash string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at = 0`,
		ts(now), accountID, hash)
	if err != nil {
		return false, fmt.Errorf("storage: use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tx) RecoveryCodesLeft(ctx context.Context, accountID string) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE account_id = ? AND used_at = 0`, accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: count recovery codes: %w", err)
	}
	return n, nil
}

const deviceColumns = `id, account_id, token_hash, label, created_at, last_seen_at, revoked_at, certificate_at`

func scanDevice(r interface{ Scan(...any) error }) (*purse.Device, error) {
	d := &purse.Device{}
	var created, seen, revoked, certified int64
	if err := r.Scan(&d.ID, &d.AccountID, &d.TokenHash, &d.Label, &created, &seen, &revoked, &certified); err != nil {
		return nil, err
	}
	d.CreatedAt, d.LastSeenAt, d.RevokedAt, d.CertificateAt = tm(created), tm(seen), tm(revoked), tm(certified)
	return d, nil
}

func (t *tx) InsertDevice(ctx context.Context, d *purse.Device) error {
	_, err := t.exec(ctx, `INSERT INTO devices (`+deviceColumns+`) VALUES (?,?,?,?,?,?,?,?)`, d.ID, d.AccountID,
		d.TokenHash, d.Label, ts(d.CreatedAt), ts(d.LastSeenAt), ts(d.RevokedAt), ts(d.CertificateAt))
	if err != nil {
		return fmt.Errorf("storage: insert device: %w", err)
	}
	return nil
}

func (t *tx) DeviceByToken(ctx context.Context, tokenHash string) (*purse.Device, error) {
	d, err := scanDevice(t.queryRow(ctx, `SELECT `+deviceColumns+` FROM devices WHERE token_hash = ? AND revoked_at = 0`, tokenHash))
	if err != nil {
		return nil, t.notFound(err)
	}
	return d, nil
}

func (t *tx) Devices(ctx context.Context, accountID string) ([]*purse.Device, error) {
	rows, err := t.query(ctx, `SELECT `+deviceColumns+` FROM devices WHERE account_id = ? AND revoked_at = 0
		ORDER BY created_at DESC, id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("storage: devices of %s: %w", accountID, err)
	}
	defer rows.Close()
	var out []*purse.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: devices of %s: %w", accountID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tx) RevokeDevice(ctx context.Context, accountID, id string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE devices SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at = 0`,
		ts(now), id, accountID)
	if err != nil {
		return false, fmt.Errorf("storage: revoke device: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE revoked_at = 0 AND id IN
		(SELECT session_id FROM session_devices WHERE device_id = ?)`, ts(now), id); err != nil {
		return false, fmt.Errorf("storage: revoke the device's sessions: %w", err)
	}
	t.accountChanged(accountID) // this process's session cache forgets them
	return true, nil
}

func (t *tx) TouchDevice(ctx context.Context, id string, now time.Time) error {
	if _, err := t.exec(ctx, `UPDATE devices SET last_seen_at = ? WHERE id = ?`, ts(now), id); err != nil {
		return fmt.Errorf("storage: touch device: %w", err)
	}
	return nil
}

func (t *tx) CertifyDevice(ctx context.Context, accountID, id string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE devices SET certificate_at = ? WHERE id = ? AND account_id = ? AND revoked_at = 0`,
		ts(now), id, accountID)
	if err != nil {
		return false, fmt.Errorf("storage: install the certificate on device %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tx) LinkSession(ctx context.Context, sessionID, deviceID, accountID string) error {
	if _, err := t.exec(ctx, `INSERT INTO session_devices (session_id, device_id, account_id) VALUES (?,?,?)`,
		sessionID, deviceID, accountID); err != nil {
		return fmt.Errorf("storage: link session to device: %w", err)
	}
	return nil
}

func (t *tx) SessionDevice(ctx context.Context, sessionID string) (*purse.Device, error) {
	d, err := scanDevice(t.queryRow(ctx, `SELECT `+prefixed("d.", deviceColumns)+` FROM session_devices s
		JOIN devices d ON d.id = s.device_id WHERE s.session_id = ?`, sessionID))
	if err != nil {
		return nil, t.notFound(err)
	}
	return d, nil
}

const challengeColumns = `id, account_id, token_hash, methods, code_hash, device_label, attempts, created_at, expires_at, used_at`

func (t *tx) InsertChallenge(ctx context.Context, c *purse.SignInChallenge) error {
	_, err := t.exec(ctx, `INSERT INTO sign_in_challenges (`+challengeColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.AccountID, c.TokenHash, c.Methods, c.CodeHash, c.DeviceLabel, c.Attempts, ts(c.CreatedAt),
		ts(c.ExpiresAt), ts(c.UsedAt))
	if err != nil {
		return fmt.Errorf("storage: insert sign-in challenge: %w", err)
	}
	return nil
}

func (t *tx) ChallengeByToken(ctx context.Context, tokenHash string) (*purse.SignInChallenge, error) {
	c := &purse.SignInChallenge{}
	var created, expires, used int64
	err := t.queryRow(ctx, `SELECT `+challengeColumns+` FROM sign_in_challenges WHERE token_hash = ? FOR UPDATE`, tokenHash).
		Scan(&c.ID, &c.AccountID, &c.TokenHash, &c.Methods, &c.CodeHash, &c.DeviceLabel, &c.Attempts, &created, &expires, &used)
	if err != nil {
		return nil, t.notFound(err)
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = tm(created), tm(expires), tm(used)
	return c, nil
}

func (t *tx) UpdateChallenge(ctx context.Context, c *purse.SignInChallenge) error {
	if _, err := t.exec(ctx, `UPDATE sign_in_challenges SET attempts = ?, used_at = ? WHERE id = ?`,
		c.Attempts, ts(c.UsedAt), c.ID); err != nil {
		return fmt.Errorf("storage: update sign-in challenge: %w", err)
	}
	return nil
}
