// Package export gives an account holder everything purse holds about them before they close the
// account (TP-1, IM-3, PW-5): the transactions as CSV, a PDF statement, and a takeout archive.
// Everything streams from the store page by page, so a long history exports in bounded memory.
package export

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/i18n"
)

// PageSize is how many ledger lines one read transaction fetches.
const PageSize = 1000

// MaxStatementDays bounds a PDF statement's period: the PDF is built in memory, the CSV is not.
const MaxStatementDays = 366

// Service writes exports.
type Service struct {
	Store    purse.Store
	Accounts *account.Service
	Catalog  *i18n.Catalog
	Location *time.Location // times in exports are shown in the operator's zone
	PageSize int            // 0: PageSize
	// MaxStatementRows caps a PDF statement (0: MaxStatementRows); the CSV has every row.
	MaxStatementRows int
}

// MaxStatementRows is how many rows a PDF statement shows at most: fpdf builds the document in
// memory, about 50 rows a page.
const MaxStatementRows = 10000

// Lines calls fn for each of the account's ledger lines created in [from, to) (zero times leave
// the range open), in order. Each page is its own short read transaction, so a slow reader never
// holds the database.
func (s *Service) Lines(ctx context.Context, accountID string, from, to time.Time, fn func(purse.LedgerLine) error) error {
	size := s.PageSize
	if size <= 0 {
		size = PageSize
	}
	var after int64
	for {
		var page []purse.LedgerLine
		err := s.Store.Read(ctx, func(tx purse.Tx) error {
			var err error
			page, err = tx.LedgerLines(ctx, purse.LedgerLinesParams{AccountID: accountID, After: after, From: from, To: to, Limit: size})
			return err
		})
		if err != nil {
			return fmt.Errorf("export: read ledger lines: %w", err)
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(page) < size {
			return nil
		}
		after = page[len(page)-1].Seq
	}
}

// Amount formats minor units for people: CNY with two decimals, points and stored value as
// whole numbers.
func Amount(amount int64, cur purse.Currency) string {
	if cur != purse.CNY {
		return fmt.Sprintf("%d", amount)
	}
	sign := ""
	u := uint64(amount)
	if amount < 0 {
		sign, u = "-", uint64(-amount)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

func (s *Service) now() time.Time {
	if s.Accounts != nil && s.Accounts.Clock != nil {
		return s.Accounts.Clock.Now()
	}
	return time.Now()
}

func (s *Service) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Service) msg(lang, id string) string { return s.Catalog.Message(lang, id, nil) }
