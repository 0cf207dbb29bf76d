package ledger

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/purse-wallet/purse"
)

// SubBooks is how many sub-books each operator book is split into (issue 19). Every top-up,
// withdrawal, grant and sweep adds to an operator book; one row for all of them serialised every
// instance's such movements on its row lock, held until commit. A movement now adds to one of
// SubBooks rows of that book, picked by a hash of its transaction id, so two movements wait for
// each other only one time in SubBooks; the book's balance is the sum of its sub-books
// (Owner folds them back). Changing SubBooks needs no migration: a sub-book no longer picked keeps
// its sum, and rows of the unsplit book written before the split count as one more sub-book.
const SubBooks = 16

// subBookSep separates an operator book's name from its sub-book number: "operator:bank#3".
const subBookSep = "#"

// SubBook returns the sub-book of the operator book owner that the transaction txID posts to.
// The same transaction always picks the same one, so the legs appended to it later (a
// withdrawal's settlement, in and out of the in-flight book) net out in one row.
func SubBook(owner, txID string) string {
	h := fnv.New32a()
	h.Write([]byte(txID))
	return owner + subBookSep + strconv.Itoa(int(h.Sum32()%SubBooks))
}

// Rows returns the names of every balance row the operator books may have: each book unsplit
// (rows from before the split) and each of its sub-books.
func Rows(owners []string) []string {
	out := make([]string, 0, len(owners)*(SubBooks+1))
	for _, o := range owners {
		out = append(out, o)
		for k := range SubBooks {
			out = append(out, o+subBookSep+strconv.Itoa(k))
		}
	}
	return out
}

// Owner returns the owner a balance row belongs to: the operator book of a sub-book, the owner
// itself otherwise.
func Owner(owner string) string {
	if !IsOperator(owner) {
		return owner
	}
	base, _, _ := strings.Cut(owner, subBookSep)
	return base
}

// spread moves the operator legs of transaction txID to their sub-books; user legs are unchanged.
// legs is not modified.
func spread(txID string, legs []purse.Posting) []purse.Posting {
	out := legs
	for i, p := range legs {
		if !IsOperator(p.Owner) || strings.Contains(p.Owner, subBookSep) {
			continue
		}
		if &out[0] == &legs[0] {
			out = append([]purse.Posting(nil), legs...)
		}
		out[i].Owner = SubBook(p.Owner, txID)
	}
	return out
}

// Fold sums balance rows by owner, book and currency with each operator book's sub-books added
// into it: what an operator's books hold. Each sub-book is kept inside int64 by its own upsert;
// their sum is checked here (BALANCE_LIMIT), never wrapped.
func Fold(rows map[purse.BookKey]int64) (map[purse.BookKey]int64, error) {
	out := make(map[purse.BookKey]int64, len(rows))
	for k, v := range rows {
		k.Owner = Owner(k.Owner)
		sum, err := purse.Money{Amount: out[k], Currency: k.Currency}.Add(purse.Money{Amount: v, Currency: k.Currency})
		if err != nil {
			return nil, balanceLimit(err)
		}
		out[k] = sum.Amount
	}
	return out, nil
}
