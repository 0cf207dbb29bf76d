package ledger

import (
	"context"
	"errors"
	"fmt"
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

type bookKey struct {
	owner string
	book  purse.Book
	cur   purse.Currency
}

// PostBatch posts many movements with a few statements, for group commit: the accounts are locked
// once (in id order), the books read once, every entry is checked in order against the running
// amounts in memory, and the accepted ones are written with one multi-row insert of transactions,
// one of postings and one balance upsert per touched book with its net change. The rules are
// Post's: an entry that would break one is refused alone (its error in the returned slice, in
// entry order) and changes nothing. The second result is a storage failure, after which the
// transaction must be rolled back.
func PostBatch(ctx context.Context, tx purse.Tx, entries []Entry) ([]error, error) {
	errs := make([]error, len(entries))
	var ids []string
	seen := map[string]bool{}
	keys := map[bookKey]int64{}
	for i, e := range entries {
		if err := Balanced(e.Legs); err != nil {
			errs[i] = fmt.Errorf("ledger: transaction %s: %w", e.Tx.ID, err)
			continue
		}
		for _, p := range e.Legs {
			keys[bookKey{p.Owner, p.Book, p.Currency}] = 0
			if !IsOperator(p.Owner) && !seen[p.Owner] {
				seen[p.Owner] = true
				ids = append(ids, p.Owner)
			}
		}
	}
	sort.Strings(ids)
	status := Locked{}
	for _, id := range ids {
		st, err := tx.AccountStatusForUpdate(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			continue // each entry naming it is refused below
		}
		if err != nil {
			return nil, err
		}
		status[id] = st
	}
	// Operator books are hot rows that every instance writes; their amounts only matter for
	// overflow, which the upsert checks, so they are not read.
	for k := range keys {
		if IsOperator(k.owner) {
			continue
		}
		if _, ok := status[k.owner]; !ok {
			continue
		}
		n, err := tx.BookAmount(ctx, k.owner, k.book, k.cur)
		if err != nil {
			return nil, err
		}
		keys[k] = n
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
			k := bookKey{p.Owner, p.Book, p.Currency}
			cur, ok := next[k]
			if !ok {
				cur = keys[k]
			}
			sum, err := purse.Money{Amount: cur, Currency: p.Currency}.Add(purse.Money{Amount: p.Amount, Currency: p.Currency})
			if err != nil {
				errs[i] = &purse.Error{Code: purse.CodeBalanceLimit, Detail: "book would overflow", Err: err}
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
			k := bookKey{p.Owner, p.Book, p.Currency}
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
	touched := make([]bookKey, 0, len(net))
	for k, d := range net {
		if d != 0 {
			touched = append(touched, k)
		}
	}
	sort.Slice(touched, func(i, j int) bool {
		a, b := touched[i], touched[j]
		if a.owner != b.owner {
			return a.owner < b.owner
		}
		if a.book != b.book {
			return a.book < b.book
		}
		return a.cur < b.cur
	})
	for _, k := range touched {
		amount, err := tx.AddBalance(ctx, k.owner, k.book, k.cur, net[k])
		if err != nil {
			return nil, err
		}
		if !IsOperator(k.owner) && amount != keys[k] {
			return nil, fmt.Errorf("ledger: batch: %s %s is %d, expected %d", k.owner, k.book, amount, keys[k])
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
		if !ok {
			return &purse.Error{Code: purse.CodeNotFound, Params: map[string]any{"Account": id}, Detail: "no account " + id}
		}
		if !st.AcceptsPostings() {
			return purse.Errorf(purse.CodeAccountNotActive, "account %s is %s", id, st)
		}
	}
	if e.Check != nil {
		return e.Check(status)
	}
	return nil
}
