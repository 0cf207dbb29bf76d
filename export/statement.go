package export

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/document"
)

// Statement writes a PDF statement of the account for [from, to) in lang, at most
// MaxStatementRows rows: each book's opening balance, the movements with their status (a pending
// withdrawal shows as pending) and the other party, the movement in the period and the closing
// balance. Kinds, statuses and books are in the reader's language, with the operator's product
// names. Errors: EXPORT_RANGE_INVALID when from is not before to or the period is longer than
// MaxStatementDays; NOT_FOUND for no such account.
func (s *Service) Statement(ctx context.Context, w io.Writer, accountID, lang string, from, to time.Time) error {
	if err := CheckRange(from, to); err != nil {
		return err
	}
	a, err := s.Accounts.Get(ctx, accountID)
	if err != nil {
		return err
	}
	var opening, closing []purse.BookSum
	err = s.Store.Read(ctx, func(tx purse.Tx) error {
		if opening, err = tx.BookSums(ctx, accountID, from); err != nil {
			return err
		}
		closing, err = tx.BookSums(ctx, accountID, to)
		return err
	})
	if err != nil {
		return err
	}
	loc := s.loc()
	now := s.now()
	period := s.Catalog.Message(lang, "export.statement.range", map[string]any{
		"From": from.In(loc).Format("2006-01-02"), "To": to.Add(-time.Second).In(loc).Format("2006-01-02")})
	st := document.Statement{
		Title: s.msg(lang, "export.statement.title"),
		Fields: [][2]string{
			{s.msg(lang, "export.statement.account"), a.ID},
			{s.msg(lang, "export.statement.holder"), a.Name},
			{s.msg(lang, "export.statement.period"), period},
			{s.msg(lang, "export.statement.generated"), now.In(loc).Format("2006-01-02 15:04")},
		},
		Empty: s.msg(lang, "export.statement.empty"), Created: now,
	}
	for _, c := range []string{"time", "kind", "status", "book", "amount", "counterparty", "memo"} {
		st.Columns = append(st.Columns, s.msg(lang, "export.col."+c))
	}
	// The rows come from a goroutine that pages through the store, so the statement holds one
	// page of lines at a time besides the PDF itself.
	type item struct {
		l   purse.LedgerLine
		err error
	}
	ch := make(chan item, 64)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		err := s.Lines(ctx, accountID, from, to, func(l purse.LedgerLine) error {
			select {
			case ch <- item{l: l}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil && ctx.Err() == nil {
			ch <- item{err: err}
		}
	}()
	limit := s.MaxStatementRows
	if limit <= 0 {
		limit = MaxStatementRows
	}
	rows, truncated := 0, false
	st.Totals = func() [][2]string {
		var out [][2]string
		if truncated {
			out = append(out, [2]string{s.Catalog.Message(lang, "export.statement.truncated", map[string]any{"Max": limit}), ""})
		}
		// The balances come from the store, not from the rows shown, so they hold when the
		// statement is capped too.
		for _, b := range balances(opening, closing) {
			book := s.book(lang, b.book)
			out = append(out,
				[2]string{s.msg(lang, "export.statement.opening") + " · " + book, Amount(b.opening, b.currency) + " " + string(b.currency)},
				[2]string{s.msg(lang, "export.statement.change") + " · " + book, signed(b.closing-b.opening, b.currency) + " " + string(b.currency)},
				[2]string{s.msg(lang, "export.statement.closing") + " · " + book, Amount(b.closing, b.currency) + " " + string(b.currency)})
		}
		return out
	}
	err = document.WriteStatement(w, st, func() ([]string, bool, error) {
		it, ok := <-ch
		if !ok {
			return nil, false, nil
		}
		if it.err != nil {
			return nil, false, it.err
		}
		if rows == limit {
			truncated = true
			cancel()
			return nil, false, nil
		}
		rows++
		l := it.l
		return []string{l.CreatedAt.In(loc).Format("2006-01-02 15:04"), s.kind(lang, l.Kind),
			s.msg(lang, "ww_tx_"+l.Status), s.book(lang, l.Book), Amount(l.Amount, l.Currency) + " " + string(l.Currency),
			s.party(lang, l.OtherParty(accountID)), l.Memo}, true, nil
	})
	return err
}

// bookBalance is one book's balance at the start and the end of a statement's period.
type bookBalance struct {
	book             purse.Book
	currency         purse.Currency
	opening, closing int64
}

// balances pairs the opening and closing sums by book and currency (both sorted so), keeping a
// book that opened or closed at zero.
func balances(opening, closing []purse.BookSum) []bookBalance {
	var out []bookBalance
	find := func(b purse.Book, c purse.Currency) *bookBalance {
		for i := range out {
			if out[i].book == b && out[i].currency == c {
				return &out[i]
			}
		}
		out = append(out, bookBalance{book: b, currency: c})
		return &out[len(out)-1]
	}
	for _, s := range opening {
		find(s.Book, s.Currency).opening = s.Amount
	}
	for _, s := range closing {
		find(s.Book, s.Currency).closing = s.Amount
	}
	return out
}

// kind names a movement kind in lang, as the transactions page does.
func (s *Service) kind(lang, kind string) string { return s.msg(lang, "ww_kind_"+kind) }

// book names a book in lang, with the operator's product names.
func (s *Service) book(lang string, b purse.Book) string { return s.msg(lang, "ww_book_"+string(b)) }

// party names the other side of a movement in a column a few centimetres wide: the operator's
// books by what they are, an account by the tail of its id (the random part of a UUIDv7, enough to
// tell counterparties apart; the CSV has the whole id).
func (s *Service) party(lang, owner string) string {
	switch {
	case owner == "":
		return ""
	case strings.HasPrefix(owner, "operator:"):
		return s.msg(lang, "export.party.operator")
	case len(owner) > 14:
		return "…" + owner[len(owner)-12:]
	}
	return owner
}

// signed formats a change with its sign, + for money in.
func signed(amount int64, cur purse.Currency) string {
	if amount > 0 {
		return "+" + Amount(amount, cur)
	}
	return Amount(amount, cur)
}

// CheckRange validates a statement period. Errors: EXPORT_RANGE_INVALID.
func CheckRange(from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) || to.Sub(from) > MaxStatementDays*24*time.Hour {
		return &purse.Error{Code: purse.CodeExportRange, Params: map[string]any{"MaxDays": MaxStatementDays}}
	}
	return nil
}
