package ledger

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/purse-wallet/purse"
)

// Entry is one movement of a batch: its transaction row, its legs, and an extra check the caller
// runs against the locked account statuses (a sender may not be restricted, say).
type Entry struct {
	Tx    *purse.LedgerTransaction
	Legs  []purse.Posting
	Check func(Locked) error
}

// PostBatch posts many movements with a few statements, for group commit: one statement locks the
// accounts (in id order), one reads their books, every entry is checked in order against the
// running amounts in memory, and the accepted ones are written with multi-row inserts of
// transactions and postings and one upsert of every touched user book with its net change
// (operator books, one upsert each). The rules are Post's, from the same functions (Balanced,
// accepting, allowed, balanceLimit) applied to the statuses and amounts those two statements read:
// an entry that would break one is refused alone (its error in the returned slice, in entry order)
// and changes nothing. Accounts in held are taken as locked with that status (the caller locked
// them, with AccountsForUpdate say, in the same id order); the others are locked here. The second
// result is a storage failure, after which the transaction must be rolled back.
func PostBatch(ctx context.Context, tx purse.Tx, held Locked, entries []Entry) ([]error, error) {
	entries = slices.Clone(entries) // its operator legs move to their sub-books (spread), not the caller's
	errs := make([]error, len(entries))
	var ids []string
	seen := map[string]bool{}
	keys := map[bookKey]int64{}
	for i, e := range entries {
		if err := Balanced(e.Legs); err != nil {
			errs[i] = fmt.Errorf("ledger: transaction %s: %w", e.Tx.ID, err)
			continue
		}
		entries[i].Legs = spread(e.Tx.ID, e.Legs)
		for _, p := range entries[i].Legs {
			keys[keyOf(p)] = 0
			if !IsOperator(p.Owner) && !seen[p.Owner] {
				seen[p.Owner] = true
				ids = append(ids, p.Owner)
			}
		}
	}
	sort.Strings(ids)
	// One statement locks every account of the group (in id order) and one reads all their books:
	// on PostgreSQL a group then holds its locks for a few round trips, not hundreds.
	status := Locked{} // an unknown account is absent: each entry naming it is refused below
	var missing []string
	for _, id := range ids {
		if st, ok := held[id]; ok {
			status[id] = st
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		locked, err := tx.AccountStatusesForUpdate(ctx, missing)
		if err != nil {
			return nil, err
		}
		for id, st := range locked {
			status[id] = st
		}
	}
	owners := make([]string, 0, len(status))
	for _, id := range ids {
		if _, ok := status[id]; ok {
			owners = append(owners, id)
		}
	}
	amounts, err := tx.BookAmounts(ctx, owners)
	if err != nil {
		return nil, err
	}
	// Operator books are hot rows that every instance writes; their amounts only matter for
	// overflow, which AddBalance checks, so they are not read.
	for k := range keys {
		if !IsOperator(k.owner) {
			keys[k] = amounts[purse.BookKey{Owner: k.owner, Book: k.book, Currency: k.cur}]
		}
	}

	var rows []*purse.LedgerTransaction
	var legs []purse.Posting
	var legTx []string
	net := map[bookKey]int64{}
	for i, e := range entries {
		if errs[i] != nil {
			continue
		}
		if errs[i] = admit(e, status); errs[i] != nil {
			continue
		}
		next := map[bookKey]int64{}
		for _, p := range e.Legs {
			k := keyOf(p)
			cur, ok := next[k]
			if !ok {
				cur = keys[k]
			}
			sum, err := purse.Money{Amount: cur, Currency: p.Currency}.Add(purse.Money{Amount: p.Amount, Currency: p.Currency})
			if err != nil {
				errs[i] = balanceLimit(err)
				break
			}
			if IsOperator(p.Owner) {
				next[k] = sum.Amount // not tracked: the upsert checks its overflow
				continue
			}
			if errs[i] = allowed(p, sum.Amount); errs[i] != nil {
				break
			}
			next[k] = sum.Amount
		}
		if errs[i] != nil {
			continue
		}
		for _, p := range e.Legs {
			k := keyOf(p)
			if !IsOperator(p.Owner) {
				keys[k] = next[k]
			}
			net[k] += p.Amount
			legs = append(legs, p)
			legTx = append(legTx, e.Tx.ID)
		}
		rows = append(rows, e.Tx)
	}
	if err := tx.InsertLedgerTransactions(ctx, rows); err != nil {
		return nil, err
	}
	if err := tx.InsertPostings(ctx, legTx, legs); err != nil {
		return nil, err
	}
	// User books were read under their account locks and every sum checked above, so they are
	// added in one statement; operator books, not read, go one by one through AddBalance, which
	// refuses an overflow.
	users := map[purse.BookKey]int64{}
	var operators []bookKey
	for k, d := range net {
		switch {
		case d == 0:
		case IsOperator(k.owner):
			operators = append(operators, k)
		default:
			users[purse.BookKey{Owner: k.owner, Book: k.book, Currency: k.cur}] = d
		}
	}
	got, err := tx.AddBalances(ctx, users)
	if err != nil {
		return nil, err
	}
	for k := range users {
		if want := keys[bookKey{k.Owner, k.Book, k.Currency}]; got[k] != want {
			return nil, fmt.Errorf("ledger: batch: %s %s is %d, expected %d", k.Owner, k.Book, got[k], want)
		}
	}
	sort.Slice(operators, func(i, j int) bool { return operators[i].before(operators[j]) })
	for _, k := range operators {
		if _, err := tx.AddBalance(ctx, k.owner, k.book, k.cur, net[k]); err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// admit checks the entry's accounts against their locked status, then the caller's check.
func admit(e Entry, status Locked) error {
	owners := make([]string, 0, len(e.Legs))
	for _, p := range e.Legs {
		if !IsOperator(p.Owner) {
			owners = append(owners, p.Owner)
		}
	}
	sort.Strings(owners)
	for _, id := range owners {
		st, ok := status[id]
		if err := accepting(id, st, ok); err != nil {
			return err
		}
	}
	if e.Check != nil {
		return e.Check(status)
	}
	return nil
}
