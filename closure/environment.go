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
	env.DeviceCertified = false
	if env.SessionID == "" {
		return env, nil
	}
	d, err := tx.SessionDevice(ctx, env.SessionID)
	if errors.Is(err, purse.ErrNotFound) {
		return env, nil
	}
	if err != nil {
		return env, err
	}
	env.DeviceCertified = d.AccountID == accountID && d.RevokedAt.IsZero() && !d.CertificateAt.IsZero()
	return env, nil
}
