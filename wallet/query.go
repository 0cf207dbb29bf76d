package wallet

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// Balances returns every book the account has.
func (s *Service) Balances(ctx context.Context, accountID string) ([]purse.BookBalance, error) {
	var out []purse.BookBalance
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.Balances(ctx, accountID)
		return err
	})
	return out, err
}

// Transaction returns one transaction the account started or received. Errors: NOT_FOUND (also
// for another account's).
func (s *Service) Transaction(ctx context.Context, accountID, id string) (*purse.LedgerTransaction, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no transaction %s", id)
	}
	var t *purse.LedgerTransaction
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		t, err = tx.LedgerTransaction(ctx, id, accountID)
		return notFound(err, "transaction")
	})
	return t, err
}

// Page is one page of transactions and the cursor of the next ("" at the end).
type Page struct {
	Items []purse.LedgerTransaction `json:"items"`
	Next  string                    `json:"next_cursor,omitempty"`
}

// Transactions lists the account's transactions newest first. cursor is the Next of the previous
// page. Errors: INVALID_REQUEST for a malformed cursor.
func (s *Service) Transactions(ctx context.Context, f purse.TxFilter, cursor string) (*Page, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	if cursor != "" {
		at, id, ok := decodeCursor(cursor)
		if !ok {
			return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "bad cursor",
				Fields: []purse.FieldError{{Field: "query.cursor", Code: purse.CodeInvalidRequest}}}
		}
		f.AfterAt, f.AfterID = at, id
	}
	p := &Page{}
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		f.Limit++ // one more tells whether a next page exists
		items, err := tx.LedgerTransactions(ctx, f)
		f.Limit--
		if err != nil {
			return err
		}
		if len(items) > f.Limit {
			items = items[:f.Limit]
			last := items[len(items)-1]
			p.Next = encodeCursor(last.CreatedAt, last.ID)
		}
		p.Items = items
		return nil
	})
	return p, err
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + id))
}

func decodeCursor(c string) (time.Time, string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", false
	}
	micro, id, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(micro, 10, 64)
	if !ok || err != nil || !purse.ValidID(id) {
		return time.Time{}, "", false
	}
	return time.UnixMicro(n).UTC(), id, true
}
