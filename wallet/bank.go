package wallet

import (
	"context"
	"errors"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/ledger"
)

// DefaultReconcileAfter is how long a movement may wait at the bank for its callback before the
// reconciliation job asks the bank where it stands.
const DefaultReconcileAfter = 10 * time.Minute

// Topup moves amount from a bound card into the balance through the gateway (TP-1). The pending
// row commits first, then the bank is asked outside any transaction; money reaches the balance
// only once the bank says it settled (at once, in its callback, or when reconciliation asks), so a
// top-up no bank paid never credits anything. Errors: AMOUNT_INVALID, NOT_FOUND (card),
// ACCOUNT_NOT_ACTIVE, BALANCE_LIMIT.
func (s *Service) Topup(ctx context.Context, accountID, cardID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	var req bank.Request
	t, err := s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
			return nil, err
		}
		t := record(tx, purse.TxTopup, accountID, amount, purse.CNY)
		var err error
		if req, err = s.cardRequest(ctx, tx, t, cardID); err != nil {
			return nil, err
		}
		t = pending(t, tx.Now().Add(s.Config.ReconcileAfter))
		return t, tx.InsertLedgerTransaction(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return s.ask(ctx, t, func() (bank.Result, error) { return s.Gateway.Charge(ctx, req) })
}

// Withdraw moves amount from the balance to a bound card (PW-5), with the payment password (issue
// 13: money leaving the wallet to a card always needs it, and a wrong one counts toward its lock).
// The money leaves the balance at once and waits in the operator's in-flight book until the bank
// settles the payout (the sandbox: next midnight in Shanghai); a payout the bank fails comes back
// to the balance. Errors: AMOUNT_INVALID, PAYMENT_PASSWORD_REQUIRED, PAYMENT_PASSWORD_WRONG,
// PAYMENT_PASSWORD_LOCKED, NOT_FOUND (card), ACCOUNT_NOT_ACTIVE, ACCOUNT_RESTRICTED,
// INSUFFICIENT_FUNDS.
func (s *Service) Withdraw(ctx context.Context, accountID, cardID string, amount int64, paymentPassword string) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	if paymentPassword == "" {
		return nil, needPassword(nil)
	}
	var req bank.Request
	var t *purse.LedgerTransaction
	err := s.withProof(ctx, accountID, paymentPassword, func(proof *account.PaymentPasswordProof) error {
		var err error
		t, err = s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
			held := ledger.Locked{}
			if err := sender(ctx, tx, held, accountID); err != nil {
				return nil, err
			}
			if err := s.Accounts.CheckPaymentPasswordProof(ctx, tx, proof); err != nil {
				return nil, err
			}
			t := record(tx, purse.TxWithdrawal, accountID, amount, purse.CNY)
			var err error
			if req, err = s.cardRequest(ctx, tx, t, cardID); err != nil {
				return nil, err
			}
			t = pending(t, tx.Now().Add(s.Config.ReconcileAfter))
			return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
				ledger.Leg(accountID, purse.BookMain, purse.CNY, -amount),
				ledger.Leg(purse.OwnerWithdrawalsFlight, "", purse.CNY, amount),
			})
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.ask(ctx, t, func() (bank.Result, error) { return s.Gateway.Payout(ctx, req) })
}

// cardRequest reads the bound card of t inside tx and builds the bank's request; it sets t.CardID.
func (s *Service) cardRequest(ctx context.Context, tx purse.Tx, t *purse.LedgerTransaction, cardID string) (bank.Request, error) {
	c, err := card(ctx, tx, t.AccountID, cardID)
	if err != nil {
		return bank.Request{}, err
	}
	key, err := s.Accounts.DataKey(ctx, tx, t.AccountID)
	if err != nil {
		return bank.Request{}, err
	}
	number, err := key.Open("card_number", c.NumberSealed)
	if err != nil {
		return bank.Request{}, err
	}
	holder, err := key.Open("card_holder", c.HolderSealed)
	if err != nil {
		return bank.Request{}, err
	}
	t.CardID = c.ID
	return bank.Request{Ref: t.ID, Amount: cny(t.Amount), Bank: c.Bank, CardNumber: number, Holder: holder,
		At: t.CreatedAt}, nil
}

// ask sends the committed pending movement t to the bank and applies the answer. A bank that
// cannot be reached leaves t pending for the reconciliation job (which asks again, by the same
// reference): the user sees a pending movement, never an error for money that may have moved.
func (s *Service) ask(ctx context.Context, t *purse.LedgerTransaction, call func() (bank.Result, error)) (*purse.LedgerTransaction, error) {
	res, err := call()
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("bank not answered; the movement stays pending for reconciliation",
				"transaction", t.ID, "kind", string(t.Kind), "error", err.Error())
		}
		return t, nil
	}
	out, err := s.apply(ctx, "bank", t.ID, res)
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("bank answer not applied; the movement stays pending for reconciliation",
				"transaction", t.ID, "error", err.Error())
		}
		return t, nil
	}
	return out, nil
}

// apply records the bank's answer about a pending top-up or withdrawal in one transaction:
// settled credits the top-up or completes the payout, failed ends a top-up and returns a payout's
// money to the balance, pending moves the next reconciliation to when the bank expects to settle.
// An answer for another amount is refused (BANK_AMOUNT_MISMATCH) and changes nothing; one about a
// movement no longer pending answers TRANSACTION_NOT_PENDING, or nothing when it only repeats the
// outcome already recorded (a duplicated callback).
func (s *Service) apply(ctx context.Context, actor, id string, res bank.Result) (*purse.LedgerTransaction, error) {
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		t, err := tx.LedgerTransactionForUpdate(ctx, id)
		if err != nil {
			return nil, notFound(err, "movement")
		}
		if t.Kind != purse.TxTopup && t.Kind != purse.TxWithdrawal {
			return nil, purse.Errorf(purse.CodeNotFound, "%s is not a bank movement", id)
		}
		if res.Amount != 0 && res.Amount != t.Amount {
			return nil, &purse.Error{Code: purse.CodeBankAmountMismatch, Detail: "the bank's amount differs"}
		}
		if t.Status != purse.TxPending {
			if string(t.Status) == string(res.State) {
				return t, nil // a repeat of what is recorded
			}
			return nil, purse.Errorf(purse.CodeTransactionNotPending, "%s is %s", id, t.Status)
		}
		switch res.State {
		case bank.Settled:
			err = settle(ctx, tx, t)
		case bank.Failed:
			err = fail(ctx, tx, t)
		case bank.Pending:
			if res.SettleAfter.IsZero() || !res.SettleAfter.After(tx.Now()) {
				res.SettleAfter = tx.Now().Add(s.Config.ReconcileAfter)
			}
			err = tx.PostponeLedgerTransaction(ctx, id, res.SettleAfter)
		default:
			return nil, purse.Errorf(purse.CodeInvalidRequest, "status %q does not end a movement", res.State)
		}
		if err != nil {
			return nil, err
		}
		if err := s.auditBank(ctx, tx, actor, t, string(res.State), res.Reason); err != nil {
			return nil, err
		}
		return tx.LedgerTransaction(ctx, id, "")
	})
}

// fail ends a pending bank movement the bank refused: a top-up had moved nothing; a payout's
// money comes back from the in-flight book to the balance (refused with ACCOUNT_NOT_ACTIVE if
// the account can no longer take postings, DESIGN §4, and left pending for an operator).
func fail(ctx context.Context, tx purse.Tx, t *purse.LedgerTransaction) error {
	if t.Kind == purse.TxWithdrawal {
		if err := ledger.Append(ctx, tx, nil, t.ID, []purse.Posting{
			ledger.Leg(purse.OwnerWithdrawalsFlight, "", t.Currency, -t.Amount),
			ledger.Leg(t.AccountID, purse.BookMain, t.Currency, t.Amount),
		}); err != nil {
			return err
		}
	}
	return tx.FailLedgerTransaction(ctx, t.ID)
}

// isNotPending reports a movement another path (callback, job, operator) has already ended.
func isNotPending(err error) bool {
	e := purse.AsError(err)
	return e != nil && e.Code == purse.CodeTransactionNotPending || errors.Is(err, purse.ErrNotFound)
}
