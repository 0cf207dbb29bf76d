package closure

import (
	"context"
	"errors"

	"github.com/purse-wallet/purse"
)

// Environment runs the security-environment check alone (AP-2), without starting a flow: the
// closure's first page runs it before showing the agreement, so a device that cannot close is
// told so at the start, not after the user has read and ticked the terms.
func (s *Service) Environment(ctx context.Context, accountID string, env Env) ([]purse.Blocker, error) {
	var out []purse.Blocker
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		rec, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		if env, err = withDevice(ctx, tx, accountID, env); err != nil {
			return err
		}
		out = EnvironmentBlockers(s.policy(), rec, env)
		return nil
	})
	return out, err
}

// withDevice sets env.DeviceCertified from the store: whether the session was opened on a
// remembered, unrevoked device of the account on which the holder installed the certificate
// (business.ConfirmCertificateInstall). Another device of the same account stays uncertified.
func withDevice(ctx context.Context, tx purse.Tx, accountID string, env Env) (Env, error) {
	d, err := sessionDevice(ctx, tx, env.SessionID)
	return certified(env, accountID, d), err
}

// sessionDevice reads the remembered device the session was opened on; nil when there is none.
// Start reads it once for the risk signals (TP-5) and the certificate (AP-2).
func sessionDevice(ctx context.Context, tx purse.Tx, sessionID string) (*purse.Device, error) {
	if sessionID == "" {
		return nil, nil
	}
	d, err := tx.SessionDevice(ctx, sessionID)
	if errors.Is(err, purse.ErrNotFound) {
		return nil, nil
	}
	return d, err
}

// certified is withDevice on the session's device already read (nil: none).
func certified(env Env, accountID string, d *purse.Device) Env {
	env.DeviceCertified = d != nil && d.AccountID == accountID && d.RevokedAt.IsZero() && !d.CertificateAt.IsZero()
	return env
}
