package sqlstore_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The eligibility facts carry the account's non-zero books, in book and currency order, negative
// ones (credit owed) included, read in the same statement as the counts; another account's books
// and zero balances are not among them.
func TestEligibilityFactsBooks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b, c := insertAccount(t, db, "h-a"), insertAccount(t, db, "h-b"), insertAccount(t, db, "h-c")
		// Written directly: the ledger's postings are not what this test is about.
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO ledger_balances (owner, book, currency, amount, updated_at) VALUES
			('`+a+`', 'points', 'PTS', 30, 0), ('`+a+`', 'balance', 'CNY', 0, 0), ('`+a+`', 'credit', 'CNY', -500, 0),
			('`+a+`', 'fund', 'CNY', 7, 0), ('`+b+`', 'balance', 'CNY', 9223372036854775807, 0)`)
		if err != nil {
			t.Fatal(err)
		}
		books := func(id string) []purse.BookBalance {
			t.Helper()
			var f *purse.EligibilityFacts
			if err := db.Read(ctx, func(tx purse.Tx) (err error) { f, err = tx.EligibilityFacts(ctx, id, tx.Now()); return err }); err != nil {
				t.Fatal(err)
			}
			if f.Account == nil || f.Account.ID != id {
				t.Fatalf("facts of %s name account %+v", id, f.Account)
			}
			return f.Books
		}
		want := []purse.BookBalance{{Book: purse.BookCredit, Currency: "CNY", Amount: -500},
			{Book: purse.BookFund, Currency: "CNY", Amount: 7}, {Book: purse.BookPoints, Currency: "PTS", Amount: 30}}
		if got := books(a); !reflect.DeepEqual(got, want) {
			t.Errorf("books of a = %+v, want %+v", got, want)
		}
		if got := books(b); !reflect.DeepEqual(got, []purse.BookBalance{{Book: purse.BookMain, Currency: "CNY", Amount: 9223372036854775807}}) {
			t.Errorf("books of b = %+v", got)
		}
		if got := books(c); len(got) != 0 {
			t.Errorf("books of c, which has none = %+v", got)
		}
	})
}

// Pending transactions count for the account on either side, once when it is on both, and not
// for another account or once settled.
func TestEligibilityFactsPendingTransactions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b, c := insertAccount(t, db, "h-a"), insertAccount(t, db, "h-b"), insertAccount(t, db, "h-c")
		tx := func(id, kind, status, from, to string) string {
			return `('` + id + `', '` + kind + `', '` + status + `', '` + from + `', '` + to + `', 100, 'CNY', 0)`
		}
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO ledger_transactions
			(id, kind, status, account_id, counterparty, amount, currency, created_at) VALUES `+
			tx("t1", "withdrawal", "pending", a, "")+", "+tx("t2", "transfer", "pending", b, a)+", "+
			tx("t3", "transfer", "pending", a, a)+", "+tx("t4", "transfer", "settled", a, b)+", "+
			tx("t5", "transfer", "pending", b, c))
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]int{a: 3, b: 2, c: 1} {
			var f *purse.EligibilityFacts
			if err := db.Read(ctx, func(tx purse.Tx) (err error) { f, err = tx.EligibilityFacts(ctx, id, tx.Now()); return err }); err != nil {
				t.Fatal(err)
			}
			if f.PendingTransactions != want {
				t.Errorf("pending transactions of %s = %d, want %d", id, f.PendingTransactions, want)
			}
		}
	})
}

// On SQLite the hot look-ups search an index for every table they read and sort nothing: a scan
// would make each eligibility check walk, say, every pending transaction of every account, and a
// sort would build a temporary b-tree for every "latest code". The purge's erasure finds its
// accounts by primary key, not by a walk of every closed one.
func TestHotLookupPlansSearchOnly(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite", clock.NewFixed(time.Unix(1_700_000_000, 0)))
	for _, c := range []struct{ name, q, want string }{
		{"eligibility facts", sqlstore.EligibilityFactsQuery, ""},
		{"latest code", sqlstore.LatestCodeQuery, ""},
		{"erase personal columns", sqlstore.ErasePersonalQuery, "SEARCH accounts USING INDEX sqlite_autoindex_accounts_1 (id=?)"},
		// The look-ups of sign-in and registration, and the account's own read, through the lookup
		// hashes' table (issue 15) by its indexes. (The latest account of a login, for a closed
		// account's sign-in, sorts the few accounts one phone ever had.)
		{"live account by lookup", sqlstore.LiveLookupQuery, "SEARCH lookup_hashes USING INDEX lookup_hashes_live (hash=?)"},
		{"account", sqlstore.AccountQuery, "SEARCH l USING INDEX sqlite_autoindex_account_lookups_1 (account_id=?)"},
		{"erase lookups", sqlstore.EraseLookupsQuery, "SEARCH account_lookups USING COVERING INDEX sqlite_autoindex_account_lookups_1 (account_id=?)"},
		{"erase lookup hashes", sqlstore.EraseLookupHashesQuery, "SEARCH lookup_hashes USING COVERING INDEX lookup_hashes_account (account_id=?)"},
	} {
		rows, err := db.SQL().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+c.q, make([]any, strings.Count(c.q, "?"))...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			// The eligibility facts' counted rows and their one-row counts are derived tables
			// (co-routines): their scans read what the searches above them found.
			derived := detail == "SCAN counted" || detail == "SCAN counts"
			if (strings.HasPrefix(detail, "SCAN") && !derived) || strings.Contains(detail, "TEMP B-TREE") {
				t.Errorf("%s: plan step %q", c.name, detail)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if c.want != "" && !slices.Contains(plan, c.want) {
			t.Errorf("%s: plan %q, want the step %q", c.name, plan, c.want)
		}
	}
}

// The facts read for a session carry the device it was opened on, as SessionDevice would read it
// apart (the fields the certificate check looks at), in the same statement; a session without a
// device, or none given, carries none.
func TestEligibilityFactsCarryTheSessionsDevice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := insertAccount(t, db, "h-dev")
		now := clk.Now()
		dev := &purse.Device{ID: purse.NewID(), AccountID: a, TokenHash: "dev-token", Label: "my phone, the old one",
			CreatedAt: now, LastSeenAt: now, CertificateAt: now.Add(time.Minute)}
		withDevice, bare := purse.NewID(), purse.NewID()
		err := db.Tx(ctx, func(tx purse.Tx) error {
			for _, id := range []string{withDevice, bare} {
				if err := tx.InsertSession(ctx, &purse.Session{ID: id, TokenHash: "tok-" + id, AccountID: a,
					CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
					return err
				}
			}
			if err := tx.InsertDevice(ctx, dev); err != nil {
				return err
			}
			return tx.LinkSession(ctx, withDevice, dev.ID, a)
		})
		if err != nil {
			t.Fatal(err)
		}
		facts := func(session string) *purse.EligibilityFacts {
			t.Helper()
			var f *purse.EligibilityFacts
			if err := db.Read(ctx, func(tx purse.Tx) (err error) {
				f, err = tx.EligibilityFactsForSession(ctx, a, session, tx.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return f
		}
		got := facts(withDevice).SessionDevice
		var apart *purse.Device
		if err := db.Read(ctx, func(tx purse.Tx) (err error) { apart, err = tx.SessionDevice(ctx, withDevice); return err }); err != nil {
			t.Fatal(err)
		}
		if got == nil || got.ID != apart.ID || got.AccountID != apart.AccountID || !got.RevokedAt.Equal(apart.RevokedAt) ||
			!got.CertificateAt.Equal(apart.CertificateAt) || got.CertificateAt.IsZero() {
			t.Fatalf("the facts' device = %+v, read apart %+v", got, apart)
		}
		if d := facts(bare).SessionDevice; d != nil {
			t.Errorf("a session opened on no device carries %+v", d)
		}
		if d := facts("").SessionDevice; d != nil {
			t.Errorf("no session carries %+v", d)
		}
	})
}
