package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/purse-wallet/purse"
)

// takeoutFiles are the JSON files of the archive and the tables each holds.
var takeoutFiles = []struct {
	name   string
	tables []string
}{
	{"books.json", []string{"ledger_balances"}},
	{"coupons.json", []string{"coupons"}},
	{"cards.json", []string{"cards"}}, // masked: bank and last four digits only
	{"agreements.json", []string{"auto_debits", "credit_lines", "merchant_contracts", "account_flags"}},
	{"linked_accounts.json", []string{"linked_accounts"}},
}

// Takeout writes a zip archive of everything purse holds about the account: its profile, books,
// coupons, masked cards, agreements, linked accounts, closure requests with their history and audit
// trail as JSON, the transactions as
// CSV and a statement of the last year as PDF. The archive streams: each entry is written as it is
// read. Errors: NOT_FOUND for no such account (before anything is written).
func (s *Service) Takeout(ctx context.Context, w io.Writer, accountID, lang string) error {
	z := zip.NewWriter(w)
	a, err := s.Accounts.Get(ctx, accountID)
	if err != nil {
		return err
	}
	if err := jsonEntry(z, "profile.json", a); err != nil {
		return err
	}
	for _, f := range takeoutFiles {
		out := map[string][]map[string]any{}
		err := s.Store.Read(ctx, func(tx purse.Tx) error {
			for _, t := range f.tables {
				rows, err := tx.AccountRows(ctx, t, accountID)
				if err != nil {
					return err
				}
				if rows == nil {
					rows = []map[string]any{}
				}
				out[t] = rows
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("export: takeout %s: %w", f.name, err)
		}
		if err := jsonEntry(z, f.name, out); err != nil {
			return err
		}
	}
	if err := s.closuresEntry(ctx, z, accountID); err != nil {
		return err
	}
	if err := s.auditEntry(ctx, z, accountID); err != nil {
		return err
	}
	cw, err := z.Create("transactions.csv")
	if err != nil {
		return err
	}
	if err := s.CSV(ctx, cw, accountID, lang); err != nil {
		return err
	}
	now := s.now()
	pw, err := z.Create("statement.pdf")
	if err != nil {
		return err
	}
	if err := s.Statement(ctx, pw, accountID, lang, now.Add(-365*24*time.Hour), now.Add(time.Second)); err != nil {
		return err
	}
	return z.Close()
}

func jsonEntry(z *zip.Writer, name string, v any) error {
	w, err := z.Create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// auditEntry writes the account's audit events as a JSON array, page by page.
func (s *Service) auditEntry(ctx context.Context, z *zip.Writer, accountID string) error {
	w, err := z.Create("audit.json")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	var after purse.AuditPos
	first := true
	for {
		var page []*purse.AuditEvent
		err := s.Store.Read(ctx, func(tx purse.Tx) error {
			var err error
			page, err = tx.AuditEvents(ctx, accountID, after, 500)
			return err
		})
		if err != nil {
			return err
		}
		for _, e := range page {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if !first {
				io.WriteString(w, ",")
			}
			first = false
			if _, err := w.Write(append([]byte("\n"), b...)); err != nil {
				return err
			}
		}
		if len(page) < 500 {
			break
		}
		last := page[len(page)-1]
		after = purse.AuditPos{Chain: last.Chain, Seq: last.Seq}
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}
