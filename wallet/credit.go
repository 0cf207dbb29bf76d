package wallet

import (
	"context"
	"errors"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/operator"
)

// OpenCreditLine opens a credit line (花呗, AP-8.5) with the limit, for the operator actor.
// A credit line is value created (issue 13): an admin's (operator.ActGrantValue), and above the
// four-eyes threshold a second operator's too (APPROVAL_PENDING). Errors: ROLE_REQUIRED,
// AMOUNT_INVALID, NOT_FOUND, ACCOUNT_NOT_ACTIVE, CREDIT_LINE_EXISTS, APPROVAL_PENDING.
func (s *Service) OpenCreditLine(ctx context.Context, actor, accountID string, limit int64) (*purse.CreditLine, error) {
	if err := s.checkAmount(limit); err != nil {
		return nil, err
	}
	if !purse.ValidID(accountID) {
		return nil, purse.Errorf(purse.CodeNotFound, "no account %s", accountID)
	}
	var l *purse.CreditLine
	var held *purse.Approval
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := operator.Authorize(ctx, tx, actor, operator.ActGrantValue); err != nil {
			return err
		}
		if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
			return err
		}
		if _, err := tx.OpenCreditLine(ctx, accountID); err == nil {
			return purse.Errorf(purse.CodeCreditLineExists, "account %s has an open credit line", accountID)
		} else if !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		var err error
		if held, err = approval.Hold(ctx, tx, actor, approval.Request{Kind: approval.KindCreditLine,
			AccountID: accountID, Amount: limit}); held != nil || err != nil {
			return err
		}
		l, err = openCreditLine(ctx, tx, actor, accountID, limit)
		return err
	})
	if err == nil && held != nil {
		return nil, approval.Pending(held)
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// openCreditLine stores the line inside tx; the matrix and the four-eyes rule were applied by the
// caller.
func openCreditLine(ctx context.Context, tx purse.Tx, actor, accountID string, limit int64) (*purse.CreditLine, error) {
	if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
		return nil, err
	}
	l := &purse.CreditLine{ID: purse.NewID(), AccountID: accountID, Limit: limit, Currency: purse.CNY,
		Status: "open", CreatedAt: tx.Now()}
	if err := tx.InsertCreditLine(ctx, l); errors.Is(err, purse.ErrDuplicate) {
		return nil, purse.Errorf(purse.CodeCreditLineExists, "account %s has an open credit line", accountID)
	} else if err != nil {
		return nil, err
	}
	return l, audit.Record(ctx, tx, actor, "credit_line.open", accountID,
		map[string]string{"credit_line": l.ID, "limit": strconv.FormatInt(limit, 10)})
}

// CreditLine returns the account's open line and its debt (a positive number). Errors:
// CREDIT_LINE_MISSING.
func (s *Service) CreditLine(ctx context.Context, accountID string) (*purse.CreditLine, int64, error) {
	var l *purse.CreditLine
	var debt int64
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		l, debt, err = openLine(ctx, tx, accountID)
		return err
	})
	return l, debt, err
}

// openLine reads the open line and the debt; the account row must already be locked for the debt
// to stay true until commit.
func openLine(ctx context.Context, tx purse.Tx, accountID string) (*purse.CreditLine, int64, error) {
	l, err := tx.OpenCreditLine(ctx, accountID)
	if errors.Is(err, purse.ErrNotFound) {
		return nil, 0, purse.Errorf(purse.CodeCreditLineMissing, "no open credit line")
	}
	if err != nil {
		return nil, 0, err
	}
	books, err := tx.Balances(ctx, accountID)
	if err != nil {
		return nil, 0, err
	}
	for _, b := range books {
		if b.Book == purse.BookCredit && b.Currency == l.Currency {
			return l, -b.Amount, nil
		}
	}
	return l, 0, nil
}

// DrawCredit borrows amount on the line into the balance; the debt goes to the credit book.
// Errors: AMOUNT_INVALID, ACCOUNT_NOT_ACTIVE, ACCOUNT_RESTRICTED, CREDIT_LINE_MISSING,
// CREDIT_LIMIT_EXCEEDED.
func (s *Service) DrawCredit(ctx context.Context, accountID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held := ledger.Locked{}
		if err := sender(ctx, tx, held, accountID); err != nil {
			return nil, err
		}
		l, debt, err := openLine(ctx, tx, accountID)
		if err != nil {
			return nil, err
		}
		if amount > l.Limit-debt {
			return nil, &purse.Error{Code: purse.CodeCreditLimitExceeded,
				Params: map[string]any{"Available": purse.Money{Amount: l.Limit - debt, Currency: l.Currency}}, Detail: "over the credit limit"}
		}
		t := record(tx, purse.TxCreditDraw, accountID, amount, l.Currency)
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookCredit, l.Currency, -amount),
			ledger.Leg(accountID, purse.BookMain, l.Currency, amount),
		})
	})
}

// RepayCredit pays amount of the debt from the balance. Errors: AMOUNT_INVALID,
// ACCOUNT_NOT_ACTIVE, CREDIT_LINE_MISSING, REPAYMENT_EXCEEDS_DEBT, INSUFFICIENT_FUNDS.
func (s *Service) RepayCredit(ctx context.Context, accountID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		l, _, err := openLine(ctx, tx, accountID)
		if err != nil {
			return nil, err
		}
		t := record(tx, purse.TxCreditRepay, accountID, amount, l.Currency)
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookMain, l.Currency, -amount),
			ledger.Leg(accountID, purse.BookCredit, l.Currency, amount),
		})
	})
}

// CloseCreditLine closes the account's line (GE-5), which needs the debt repaid. Errors:
// ACCOUNT_NOT_ACTIVE, CREDIT_LINE_MISSING, CREDIT_DEBT_OUTSTANDING.
func (s *Service) CloseCreditLine(ctx context.Context, accountID string) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
			return err
		}
		l, debt, err := openLine(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if debt != 0 {
			return &purse.Error{Code: purse.CodeCreditDebtOutstanding, Params: map[string]any{"Debt": purse.Money{Amount: debt, Currency: l.Currency}},
				Detail: "debt outstanding"}
		}
		return tx.CloseCreditLine(ctx, l.ID, tx.Now())
	})
}
