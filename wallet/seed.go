package wallet

import (
	"context"

	"github.com/purse-wallet/purse/notify"
)

// BindCardAsHolder binds a card for in-process seeding (the demo's accounts, bench setup) through
// the holder's own step-up: it sends the SMS code, reads it from the outbox as the holder reads
// her phone, and binds with it and the payment password. No request may reach it: a server that
// read a code for its caller would undo the step-up.
func (s *Service) BindCardAsHolder(ctx context.Context, accountID, phone string, b CardBinding) (*CardRef, error) {
	if _, err := s.SendCardCode(ctx, accountID); err != nil {
		return nil, err
	}
	code, err := notify.NewestCode(ctx, s.Store, phone, CardTemplate)
	if err != nil {
		return nil, err
	}
	b.SMSCode = code
	c, err := s.BindCard(ctx, accountID, b)
	if err != nil {
		return nil, err
	}
	return &CardRef{ID: c.ID}, nil
}

// CardRef names a bound card.
type CardRef struct{ ID string }
