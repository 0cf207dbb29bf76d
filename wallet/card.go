package wallet

import (
	"context"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/ledger"
)

// BindCard binds a bank card for quick pay (TP-1). The number is checked with the Luhn digit and
// sealed with the account's data key; only its last four digits stay readable. Errors:
// CARD_NUMBER_INVALID, ACCOUNT_NOT_ACTIVE.
func (s *Service) BindCard(ctx context.Context, accountID, bankName, number, holder string) (*purse.Card, error) {
	if err := purse.CheckTexts("bank", bankName, "holder_name", holder); err != nil {
		return nil, err
	}
	number = strings.NewReplacer(" ", "", "-", "").Replace(number)
	if !bank.Luhn(number) {
		return nil, &purse.Error{Code: purse.CodeCardNumberInvalid, Detail: "Luhn check failed",
			Fields: []purse.FieldError{{Field: "body.card_number", Code: purse.CodeCardNumberInvalid}}}
	}
	var c *purse.Card
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
			return err
		}
		key, err := s.Accounts.DataKey(ctx, tx, accountID)
		if err != nil {
			return err
		}
		c = &purse.Card{ID: purse.NewID(), AccountID: accountID, Bank: bankName,
			NumberSealed: key.Seal("card_number", number), HolderSealed: key.Seal("card_holder", holder),
			Last4: number[len(number)-4:], Status: "bound", CreatedAt: tx.Now()}
		c.Masked = "**** **** **** " + c.Last4
		return tx.InsertCard(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Cards lists the account's bound cards.
func (s *Service) Cards(ctx context.Context, accountID string) ([]purse.Card, error) {
	var out []purse.Card
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.BoundCards(ctx, accountID)
		return err
	})
	return out, err
}

// UnbindCard ends a binding. Errors: NOT_FOUND (also for another account's card).
func (s *Service) UnbindCard(ctx context.Context, accountID, id string) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeNotFound, "no card %s", id)
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return notFound(tx.UnbindCard(ctx, id, accountID, tx.Now()), "card")
	})
}

// card returns the account's bound card, NOT_FOUND otherwise.
func card(ctx context.Context, tx purse.Tx, accountID, id string) (*purse.Card, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no card %s", id)
	}
	c, err := tx.BoundCard(ctx, id, accountID)
	return c, notFound(err, "card")
}
