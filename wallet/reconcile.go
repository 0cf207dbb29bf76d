package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/bank"
)

// reconcile asks the bank where the due pending movement d stands and applies the answer, so
// that a lost callback or a crash between the request and the callback never leaves money in
// limbo. A movement the bank never received (the process died before asking): a top-up fails,
// since nothing was charged; a payout is asked again under the same reference, which the bank
// answers once. It reports whether the movement ended.
func (s *Service) reconcile(ctx context.Context, d *purse.LedgerTransaction) (bool, error) {
	res, err := s.Gateway.Status(ctx, d.ID)
	if err != nil {
		return false, err
	}
	if res.State == bank.Unknown {
		if d.Kind == purse.TxTopup {
			res = bank.Result{Ref: d.ID, State: bank.Failed, Reason: "the bank never received the charge"}
		} else {
			req, err := s.resend(ctx, d)
			if err != nil {
				return false, err
			}
			if res, err = s.Gateway.Payout(ctx, req); err != nil {
				return false, err
			}
		}
	}
	t, err := s.apply(ctx, "bank:reconcile", d.ID, res)
	if isNotPending(err) {
		return false, nil // a callback or an operator ended it meanwhile
	}
	if err != nil {
		return false, err
	}
	return t.Status != purse.TxPending, nil
}

// resend rebuilds the bank request of a pending withdrawal from its card.
func (s *Service) resend(ctx context.Context, d *purse.LedgerTransaction) (bank.Request, error) {
	var req bank.Request
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		t := *d
		var err error
		req, err = s.cardRequest(ctx, tx, &t, d.CardID)
		return err
	})
	return req, err
}

// BankCallback applies a callback the bank signed (the HTTP layer verified the signature): it
// settles or fails the pending movement of the reference. Errors: NOT_FOUND (unknown reference),
// BANK_AMOUNT_MISMATCH, TRANSACTION_NOT_PENDING (the movement ended otherwise), INVALID_INPUT
// (a status other than settled or failed). Each refusal is audited by the caller.
func (s *Service) BankCallback(ctx context.Context, cb bank.Callback) (*purse.LedgerTransaction, error) {
	if !purse.ValidID(cb.Ref) {
		return nil, purse.Errorf(purse.CodeNotFound, "no movement %q", cb.Ref)
	}
	if cb.State != bank.Settled && cb.State != bank.Failed {
		return nil, purse.Errorf(purse.CodeInvalidRequest, "status %q does not end a movement", cb.State)
	}
	if cb.Currency != "" && cb.Currency != string(purse.CNY) {
		return nil, &purse.Error{Code: purse.CodeBankAmountMismatch, Detail: "the bank's currency differs"}
	}
	if cb.Amount <= 0 {
		return nil, &purse.Error{Code: purse.CodeBankAmountMismatch, Detail: "the callback names no amount"}
	}
	return s.apply(ctx, "bank:callback", cb.Ref, bank.Result{Ref: cb.Ref, State: cb.State, Amount: cb.Amount, Reason: cb.Reason})
}

// auditBank records what the bank's answer did to the movement.
func (s *Service) auditBank(ctx context.Context, tx purse.Tx, actor string, t *purse.LedgerTransaction, outcome, reason string) error {
	detail := map[string]string{"transaction": t.ID, "kind": string(t.Kind), "outcome": outcome}
	if reason != "" {
		detail["reason"] = reason
	}
	return audit.Record(ctx, tx, actor, "bank."+outcome, t.AccountID, detail)
}
