package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"time"

	"github.com/purse-wallet/purse"
)

// BOM starts the CSV so that spreadsheet programs read it as UTF-8 (Chinese memos included).
const BOM = "\uFEFF"

// CSV writes the account's transactions as CSV in lang, one row per posting, streamed: memory
// does not grow with the history.
func (s *Service) CSV(ctx context.Context, w io.Writer, accountID, lang string) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	c := csv.NewWriter(bw)
	head := []string{"time", "transaction", "kind", "status", "book", "amount", "currency", "counterparty", "memo"}
	for i, h := range head {
		head[i] = s.msg(lang, "export.col."+h)
	}
	if err := c.Write(head); err != nil {
		return err
	}
	loc := s.loc()
	row := make([]string, len(head))
	err := s.Lines(ctx, accountID, time.Time{}, time.Time{}, func(l purse.LedgerLine) error {
		row[0] = l.CreatedAt.In(loc).Format("2006-01-02 15:04:05")
		row[1], row[2], row[3], row[4] = l.TransactionID, l.Kind, l.Status, string(l.Book)
		row[5], row[6], row[7], row[8] = Amount(l.Amount, l.Currency), string(l.Currency), l.OtherParty(accountID), safe(l.Memo)
		return c.Write(row)
	})
	if err != nil {
		return err
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// safe keeps a spreadsheet from running a memo as a formula (CSV injection): a cell starting
// with = + - @ gets a leading apostrophe.
func safe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
