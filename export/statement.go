package export

import (
	"context"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/document"
)

// Statement writes a PDF statement of the account for [from, to) in lang, at most
// MaxStatementRows rows. Errors: EXPORT_RANGE_INVALID when from is not before to or the period is
// longer than MaxStatementDays; NOT_FOUND for no such account.
func (s *Service) Statement(ctx context.Context, w io.Writer, accountID, lang string, from, to time.Time) error {
	if err := CheckRange(from, to); err != nil {
		return err
	}
	a, err := s.Accounts.Get(ctx, accountID)
	if err != nil {
		return err
	}
	loc := s.loc()
	now := s.now()
	st := document.Statement{
		Title: s.msg(lang, "export.statement.title"),
		Fields: [][2]string{
			{s.msg(lang, "export.statement.account"), a.ID},
			{s.msg(lang, "export.statement.holder"), a.Name},
			{s.msg(lang, "export.statement.period"), from.In(loc).Format("2006-01-02") + " – " + to.Add(-time.Second).In(loc).Format("2006-01-02")},
			{s.msg(lang, "export.statement.generated"), now.In(loc).Format("2006-01-02 15:04")},
		},
		Empty: s.msg(lang, "export.statement.empty"), Created: now,
	}
	for _, c := range []string{"time", "kind", "book", "amount", "currency", "memo"} {
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
	totals := map[string]int64{}
	st.Totals = func() [][2]string {
		var out [][2]string
		if truncated {
			out = append(out, [2]string{s.Catalog.Message(lang, "export.statement.truncated", map[string]any{"Max": limit}), ""})
		}
		for _, k := range sortedKeys(totals) {
			book, cur, _ := strings.Cut(k, " ")
			out = append(out, [2]string{s.msg(lang, "export.statement.total") + " " + book,
				Amount(totals[k], purse.Currency(cur)) + " " + cur})
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
			// The totals below cover the rows shown; the note says where the rest are.
			truncated = true
			cancel()
			return nil, false, nil
		}
		rows++
		l := it.l
		totals[string(l.Book)+" "+string(l.Currency)] += l.Amount
		return []string{l.CreatedAt.In(loc).Format("2006-01-02 15:04"), l.Kind, string(l.Book),
			Amount(l.Amount, l.Currency), string(l.Currency), l.Memo}, true, nil
	})
	return err
}

// CheckRange validates a statement period. Errors: EXPORT_RANGE_INVALID.
func CheckRange(from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) || to.Sub(from) > MaxStatementDays*24*time.Hour {
		return &purse.Error{Code: purse.CodeExportRange, Params: map[string]any{"MaxDays": MaxStatementDays}}
	}
	return nil
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
