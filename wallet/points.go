package wallet

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
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
// the operator actor, and audits it. Above the four-eyes threshold nothing moves: the grant waits
// for a second operator (APPROVAL_PENDING, see package approval). Errors: ROLE_REQUIRED
// (operator.ActGrantValue), AMOUNT_INVALID, NOT_FOUND, ACCOUNT_NOT_ACTIVE, BALANCE_LIMIT,
// APPROVAL_PENDING.
func (s *Service) Grant(ctx context.Context, actor, accountID string, book purse.Book, amount int64, memo string) (*purse.LedgerTransaction, error) {
	if err := purse.CheckText("memo", memo); err != nil {
		return nil, err
	}
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	if !purse.ValidID(accountID) {
		return nil, purse.Errorf(purse.CodeNotFound, "no account %s", accountID)
	}
	var held *purse.Approval
	t, err := s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		// Creating value is an admin's (issue 13), checked here so no caller goes around it.
		if err := operator.Authorize(ctx, tx, actor, operator.ActGrantValue); err != nil {
			return nil, err
		}
		// The account must accept the grant now, not only when a checker approves it.
		locked, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		held, err = approval.Hold(ctx, tx, actor, approval.Request{Kind: grantKind[book], AccountID: accountID,
			Amount: amount, Params: map[string]string{"book": string(book)}, Reason: memo})
		if held != nil || err != nil {
			return nil, err
		}
		return grant(ctx, tx, locked, actor, accountID, book, amount, memo)
	})
	if err == nil && held != nil {
		return nil, approval.Pending(held)
	}
	return t, err
}

// grantKind is the four-eyes kind of a grant to each book.
var grantKind = map[purse.Book]string{purse.BookPoints: approval.KindPointsGrant, purse.BookStored: approval.KindStoredGrant}

// grant posts a grant inside tx; the matrix and the four-eyes rule were applied by the caller.
func grant(ctx context.Context, tx purse.Tx, held ledger.Locked, actor, accountID string, book purse.Book, amount int64, memo string) (*purse.LedgerTransaction, error) {
	is := issuers[book]
	held, err := ledger.Lock(ctx, tx, held, accountID)
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
