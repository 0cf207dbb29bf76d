package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/ledger"
)

// SweepLeftover moves a leftover below the closure policy's threshold out of the account, inside
// the closing transaction, to the operator's sweep book (donated, DESIGN.md §2), so that a user is
// not sent to withdraw a few fen before closing. It is the closure engine's Sweeper; the engine
// calls it after the review's checks and before the account turns closing, so the account still
// accepts postings. Errors: those of ledger.Post.
func (s *Service) SweepLeftover(ctx context.Context, tx purse.Tx, accountID string, b purse.BookBalance) error {
	if b.Amount <= 0 {
		return nil
	}
	held, err := ledger.Lock(ctx, tx, nil, accountID)
	if err != nil {
		return err
	}
	t := record(tx, purse.TxSweep, accountID, b.Amount, b.Currency)
	t.Counterparty, t.Memo = purse.OwnerSweep, "closure leftover"
	return ledger.Post(ctx, tx, held, t, []purse.Posting{
		ledger.Leg(accountID, b.Book, b.Currency, -b.Amount),
		ledger.Leg(purse.OwnerSweep, "", b.Currency, b.Amount),
	})
}
