package wallet

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/operator"
)

// issuers name, per non-cash book, its kinds, currency and operator-side issuer.
var issuers = map[purse.Book]struct {
	grant, spend purse.TxKind
	currency     purse.Currency
	issuer       string
}{
	purse.BookPoints: {purse.TxPointsGrant, purse.TxPointsSpend, purse.Points, purse.OwnerPointsIssuer},
	purse.BookStored: {purse.TxStoredGrant, purse.TxStoredSpend, purse.Stored, purse.OwnerStoredIssuer},
}

// Grant credits amount to the account's points (AP-8.1) or stored-value (AP-8.10) book on behalf of
// the operator actor, and audits it. Errors: ROLE_REQUIRED (operator.ActGrantValue),
// AMOUNT_INVALID, NOT_FOUND, ACCOUNT_NOT_ACTIVE, BALANCE_LIMIT.
func (s *Service) Grant(ctx context.Context, actor, accountID string, book purse.Book, amount int64, memo string) (*purse.LedgerTransaction, error) {
	if err := purse.CheckText("memo", memo); err != nil {
		return nil, err
	}
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	is := issuers[book]
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		if !purse.ValidID(accountID) {
			return nil, purse.Errorf(purse.CodeNotFound, "no account %s", accountID)
		}
		// Creating value is an admin's (issue 13), checked here so no caller goes around it.
		if err := operator.Authorize(ctx, tx, actor, operator.ActGrantValue); err != nil {
			return nil, err
		}
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		t := record(tx, is.grant, accountID, amount, is.currency)
		t.Memo = memo
		if err := ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(is.issuer, "", is.currency, -amount),
			ledger.Leg(accountID, book, is.currency, amount),
		}); err != nil {
			return nil, err
		}
		return t, audit.Record(ctx, tx, actor, string(is.grant), accountID,
			map[string]string{"transaction": t.ID, "amount": strconv.FormatInt(amount, 10)})
	})
}

// Spend uses amount of the account's points or stored value. Errors: AMOUNT_INVALID,
// ACCOUNT_NOT_ACTIVE, ACCOUNT_RESTRICTED, INSUFFICIENT_FUNDS.
func (s *Service) Spend(ctx context.Context, accountID string, book purse.Book, amount int64, memo string) (*purse.LedgerTransaction, error) {
	if err := purse.CheckText("memo", memo); err != nil {
		return nil, err
	}
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	is := issuers[book]
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held := ledger.Locked{}
		if err := sender(ctx, tx, held, accountID); err != nil {
			return nil, err
		}
		t := record(tx, is.spend, accountID, amount, is.currency)
		t.Memo = memo
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, book, is.currency, -amount),
			ledger.Leg(is.issuer, "", is.currency, amount),
		})
	})
}
