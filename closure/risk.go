package closure

import (
	"context"
	"slices"
	"time"

	"github.com/purse-wallet/purse"
)

// TP-5: "in some cases an SMS code goes to the bound phone". A policy with sms_when = "risky"
// asks for the SMS code only when a risk signal is present at the closure's start: the session's
// device is new (not remembered, or first seen within RiskWindow), the login password changed
// within RiskWindow, or a card was bound within RiskWindow. The signals are recorded in the
// closure's history; without any, the request's policy snapshot leaves the SMS code out, so every
// later step agrees.
const (
	SMSAlways = "always"
	SMSRisky  = "risky"

	RiskWindow = 7 * 24 * time.Hour

	RiskNewDevice       = "new_device"
	RiskPasswordChanged = "password_changed"
	RiskNewCard         = "new_card"
)

// riskSignals reads the signals of the account signing in with the session, at now.
func riskSignals(ctx context.Context, tx purse.Tx, accountID string, dev *purse.Device, now time.Time) ([]string, error) {
	var out []string
	if dev == nil || now.Sub(dev.CreatedAt) < RiskWindow {
		out = append(out, RiskNewDevice)
	}
	changed, bound, err := tx.ClosureRisk(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if !changed.IsZero() && now.Sub(changed) < RiskWindow {
		out = append(out, RiskPasswordChanged)
	}
	// The newest bound card is the one that can be within the window.
	if !bound.IsZero() && now.Sub(bound) < RiskWindow {
		out = append(out, RiskNewCard)
	}
	return out, nil
}

// withoutSMS returns a copy of the policy whose verification asks for no SMS code.
func (p *Policy) withoutSMS() *Policy {
	q := *p
	q.Verification = make(map[string][]string, len(p.Verification))
	for k, fs := range p.Verification {
		q.Verification[k] = slices.DeleteFunc(slices.Clone(fs), func(f string) bool { return f == FactorSMSCode })
	}
	return &q
}
