// Package ledger writes purse's double-entry ledger. A movement is one ledger_transactions row and
// a set of postings that sums to zero per currency; every posting updates its book's balance row in
// the same database transaction, so balances are always the sum of their postings.
//
// Three rules hold for every posting written here:
//   - balanced: per currency, the legs of a call sum to zero (DESIGN.md §4.1), checked with
//     overflow-safe addition;
//   - no user book goes negative, except the credit book, which holds the credit line's debt and may
//     not go positive; operator books ("operator:…") hold the other side and may be negative;
//   - no posting touches an account that does not accept postings (closing, closed, purged:
//     DESIGN.md §4.2). The account row is read FOR UPDATE first, and the closure engine locks the
//     same row when it moves the account to closing, so a closure and a posting serialize: either
//     the posting commits first (and the closure sees the money) or the closure does (and the
//     posting is refused).
//
// Deadlocks are avoided by a fixed lock order: account rows first, sorted by id, then balance rows,
// sorted by (owner, book, currency).
package ledger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/purse-wallet/purse"
)

// IsOperator reports whether owner is an operator-side book rather than an account.
func IsOperator(owner string) bool { return strings.HasPrefix(owner, "operator:") }

// Locked is the set of account rows a transaction holds locked: their status, by id.
type Locked map[string]purse.AccountStatus

// Lock reads the accounts' status FOR UPDATE (the same row lock as AccountForUpdate, which the
// closure engine takes) in id order and checks that each accepts postings. Errors:
// NOT_FOUND for an unknown account, ACCOUNT_NOT_ACTIVE for one that is closing, closed or purged.
// Accounts already in held are not read again.
func Lock(ctx context.Context, tx purse.Tx, held Locked, ids ...string) (Locked, error) {
	if held == nil {
		held = Locked{}
	}
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	for _, id := range sorted {
		if _, ok := held[id]; ok || IsOperator(id) {
			continue
		}
		st, err := tx.AccountStatusForUpdate(ctx, id)
		if err != nil && !errors.Is(err, purse.ErrNotFound) {
			return nil, err
		}
		if err := accepting(id, st, err == nil); err != nil {
			return nil, err
		}
		held[id] = st
	}
	return held, nil
}

// Post records the transaction t with its legs. Accounts named by the legs that are not in held
// are locked first (see Lock). Errors: those of Lock, INSUFFICIENT_FUNDS when a user book would go
// negative, REPAYMENT_EXCEEDS_DEBT when a credit book would go positive, BALANCE_LIMIT when a book
// would overflow; any other error is a programming or storage failure. On error the caller must
// roll the transaction back (returning the error from the Tx callback does).
func Post(ctx context.Context, tx purse.Tx, held Locked, t *purse.LedgerTransaction, legs []purse.Posting) error {
	if err := tx.InsertLedgerTransaction(ctx, t); err != nil {
		return err
	}
	return Append(ctx, tx, held, t.ID, legs)
}

// Append adds legs to an existing transaction, such as the settlement of a pending withdrawal.
// Errors: as Post.
func Append(ctx context.Context, tx purse.Tx, held Locked, txID string, legs []purse.Posting) error {
	if err := Balanced(legs); err != nil {
		return fmt.Errorf("ledger: transaction %s: %w", txID, err)
	}
	legs = spread(txID, legs)
	owners := make([]string, 0, len(legs))
	for _, p := range legs {
		owners = append(owners, p.Owner)
	}
	if _, err := Lock(ctx, tx, held, owners...); err != nil {
		return err
	}
	ordered := append([]purse.Posting(nil), legs...)
	sort.Slice(ordered, func(i, j int) bool { return keyOf(ordered[i]).before(keyOf(ordered[j])) })
	for _, p := range ordered {
		if err := tx.InsertPosting(ctx, txID, p); err != nil {
			return err
		}
		amount, err := tx.AddBalance(ctx, p.Owner, p.Book, p.Currency, p.Amount)
		if errors.Is(err, purse.ErrOverflow) {
			return balanceLimit(err)
		}
		if err != nil {
			return err
		}
		if err := allowed(p, amount); err != nil {
			return err
		}
	}
	return nil
}

// accepting is the rule of which accounts a posting may touch: NOT_FOUND for an unknown one (known
// false), ACCOUNT_NOT_ACTIVE for one that is closing, closed or purged. Lock applies it to each row
// it locks, PostBatch to the statuses it locked in one statement.
func accepting(id string, st purse.AccountStatus, known bool) error {
	if !known {
		return &purse.Error{Code: purse.CodeNotFound, Params: map[string]any{"Account": id}, Detail: "no account " + id}
	}
	if !st.AcceptsPostings() {
		return purse.Errorf(purse.CodeAccountNotActive, "account %s is %s", id, st)
	}
	return nil
}

// balanceLimit is the error of a posting that would overflow its book.
func balanceLimit(err error) error {
	return &purse.Error{Code: purse.CodeBalanceLimit, Detail: "book would overflow", Err: err}
}

// bookKey names a balance row.
type bookKey struct {
	owner string
	book  purse.Book
	cur   purse.Currency
}

func keyOf(p purse.Posting) bookKey { return bookKey{p.Owner, p.Book, p.Currency} }

// before is the order balance rows are written in, after the account rows (see the package
// comment): by owner, book, currency.
func (a bookKey) before(b bookKey) bool {
	if a.owner != b.owner {
		return a.owner < b.owner
	}
	if a.book != b.book {
		return a.book < b.book
	}
	return a.cur < b.cur
}

// allowed checks a book's new amount against its kind.
func allowed(p purse.Posting, amount int64) error {
	switch {
	case IsOperator(p.Owner):
		return nil
	case p.Book == purse.BookCredit && amount > 0:
		return purse.Errorf(purse.CodeRepaymentExceedsDebt, "credit book of %s would be %d", p.Owner, amount)
	case p.Book != purse.BookCredit && amount < 0:
		return &purse.Error{Code: purse.CodeInsufficientFunds, Params: map[string]any{"Book": string(p.Book)},
			Detail: fmt.Sprintf("%s book of %s would be %d", p.Book, p.Owner, amount)}
	}
	return nil
}

// Balanced checks that the legs are well formed and sum to zero per currency, without overflow.
func Balanced(legs []purse.Posting) error {
	if len(legs) < 2 {
		return errors.New("fewer than two legs")
	}
	sums := map[purse.Currency]purse.Money{}
	for _, p := range legs {
		if p.Amount == 0 || p.Owner == "" || p.Currency == "" {
			return fmt.Errorf("malformed leg %+v", p)
		}
		if IsOperator(p.Owner) != (p.Book == purse.BookOperator) {
			return fmt.Errorf("leg %+v: operator owners use the operator book, and only they", p)
		}
		s, ok := sums[p.Currency]
		if !ok {
			s = purse.Money{Currency: p.Currency}
		}
		next, err := s.Add(purse.Money{Amount: p.Amount, Currency: p.Currency})
		if err != nil {
			return err
		}
		sums[p.Currency] = next
	}
	for cur, s := range sums {
		if s.Amount != 0 {
			return fmt.Errorf("unbalanced: %s legs sum to %d", cur, s.Amount)
		}
	}
	return nil
}

// Leg is a posting of amount into owner's book (negative: out of it). Operator owners get the
// operator book whatever book is given.
func Leg(owner string, book purse.Book, cur purse.Currency, amount int64) purse.Posting {
	if IsOperator(owner) {
		book = purse.BookOperator
	}
	return purse.Posting{Owner: owner, Book: book, Currency: cur, Amount: amount}
}
