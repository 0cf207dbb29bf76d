package wallet

import (
	"context"
	"sort"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/ledger"
)

// OperatorBook is what one operator book holds in one currency: the sum of its sub-books
// (ledger.SubBooks).
type OperatorBook struct {
	Owner    string         `json:"owner"`
	Currency purse.Currency `json:"currency"`
	Amount   int64          `json:"amount"`
}

// OperatorBooks returns the operator's books, each summed over its sub-books, by owner and
// currency. Its amounts are the other side of every user book: with them, the ledger sums to zero.
func (s *Service) OperatorBooks(ctx context.Context) ([]OperatorBook, error) {
	var rows map[purse.BookKey]int64
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		rows, err = tx.BookAmounts(ctx, ledger.Rows(purse.OperatorOwners))
		return err
	})
	if err != nil {
		return nil, err
	}
	books, err := ledger.Fold(rows)
	if err != nil {
		return nil, err
	}
	out := []OperatorBook{}
	for k, v := range books {
		out = append(out, OperatorBook{Owner: k.Owner, Currency: k.Currency, Amount: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Owner != out[j].Owner {
			return out[i].Owner < out[j].Owner
		}
		return out[i].Currency < out[j].Currency
	})
	return out, nil
}
