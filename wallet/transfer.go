package wallet

import (
	"context"
	"errors"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/ledger"
)

// TransferRequest is a transfer between two accounts.
type TransferRequest struct {
	To              string // the recipient's phone or account id
	Amount          int64
	Memo            string
	PaymentPassword string // always checked when given; needed unless password-free small payments cover it
}

// Transfer moves money from the account's balance to another account's. A payment password that
// is sent is always checked, and a wrong one counted toward the lock, whatever the amount; without
// one the transfer must fit password-free small payments (see passwordFree: within the
// operator's per-payment and daily caps, and not while the payment password is locked).
// Errors: AMOUNT_INVALID, RECIPIENT_NOT_FOUND, TRANSFER_TO_SELF, ACCOUNT_NOT_ACTIVE (either side),
// ACCOUNT_RESTRICTED, PAYMENT_PASSWORD_REQUIRED, PAYMENT_PASSWORD_WRONG, PAYMENT_PASSWORD_LOCKED,
// INSUFFICIENT_FUNDS.
func (s *Service) Transfer(ctx context.Context, accountID string, r TransferRequest) (*purse.LedgerTransaction, error) {
	if err := purse.CheckText("memo", r.Memo); err != nil {
		return nil, err
	}
	if err := s.checkAmount(r.Amount); err != nil {
		return nil, err
	}
	if r.PaymentPassword == "" {
		return s.transfer(ctx, accountID, r, nil)
	}
	var t *purse.LedgerTransaction
	err := s.withProof(ctx, accountID, r.PaymentPassword, func(proof *account.PaymentPasswordProof) error {
		var err error
		t, err = s.transfer(ctx, accountID, r, proof)
		return err
	})
	return t, err
}

// transfer is Transfer's transaction, with the payment password's proof when one was sent.
func (s *Service) transfer(ctx context.Context, accountID string, r TransferRequest, proof *account.PaymentPasswordProof) (*purse.LedgerTransaction, error) {
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		return s.transferIn(ctx, tx, accountID, r, proof)
	})
}

// transferIn is transfer's work in tx: a wrong payment password's count comes back as a
// purse.FailAfterCommit error, for the caller's transaction or savepoint to keep.
func (s *Service) transferIn(ctx context.Context, tx purse.Tx, accountID string, r TransferRequest, proof *account.PaymentPasswordProof) (*purse.LedgerTransaction, error) {
	to, err := s.recipient(ctx, tx, r.To)
	if err != nil {
		return nil, err
	}
	if to == accountID {
		return nil, purse.Errorf(purse.CodeTransferToSelf, "transfer to self")
	}
	// Both rows locked in id order first, so two opposite transfers cannot deadlock.
	held, err := ledger.Lock(ctx, tx, nil, accountID, to)
	if e := purse.AsError(err); e != nil && e.Code == purse.CodeNotFound && e.Params["Account"] == to {
		return nil, purse.Errorf(purse.CodeRecipientNotFound, "no recipient %q", to)
	}
	if err != nil {
		return nil, err
	}
	if err := sender(ctx, tx, held, accountID); err != nil {
		return nil, err
	}
	if proof != nil {
		// A keyed hash (microseconds): compared here, under the account's row lock.
		if err := s.Accounts.CheckPaymentPasswordProof(ctx, tx, proof); err != nil {
			return nil, err
		}
	} else if err := s.passwordFree(ctx, tx, accountID, r.Amount); err != nil {
		return nil, err
	}
	t := record(tx, purse.TxTransfer, accountID, r.Amount, purse.CNY)
	t.Counterparty, t.Memo = to, r.Memo
	return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
		ledger.Leg(accountID, purse.BookMain, purse.CNY, -r.Amount),
		ledger.Leg(to, purse.BookMain, purse.CNY, r.Amount),
	})
}

// recipient resolves a phone number or account id to a live account id: RECIPIENT_NOT_FOUND.
func (s *Service) recipient(ctx context.Context, tx purse.Tx, to string) (string, error) {
	missing := purse.Errorf(purse.CodeRecipientNotFound, "no recipient %q", to)
	if purse.ValidID(to) {
		// Whether it exists is learnt when its row is locked (see Transfer).
		return to, nil
	}
	hash, ok := s.Accounts.LookupLogin(to)
	if !ok {
		return "", missing
	}
	rec, err := tx.LiveAccountByLookup(ctx, hash)
	if errors.Is(err, purse.ErrNotFound) {
		return "", missing
	}
	if err != nil {
		return "", err
	}
	return rec.ID, nil
}

// provePaymentPassword compares the payment password before the transfer's transaction when its
// verifier is still an argon2id one (see account.ErrSlowPaymentPassword): that hash would otherwise
// hold SQLite's one writer, and every other movement with it, for tens of milliseconds. The
// transaction then counts the result and upgrades the verifier.
func (s *Service) provePaymentPassword(ctx context.Context, accountID, pin string) (*account.PaymentPasswordProof, error) {
	var rec *purse.AccountRecord
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		rec, err = tx.Account(ctx, accountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Accounts.ProvePaymentPassword(ctx, rec, pin)
}
