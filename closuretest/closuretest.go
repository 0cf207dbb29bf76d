// Package closuretest puts accounts into the situations that block a closure, by writing the
// wallet tables directly (the wallet services are built elsewhere), and reads codes and links from
// the outbox the way a user reads their phone and mailbox.
package closuretest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
)

// WithPolicy runs the server with a preset or policy file.
func WithPolicy(t testing.TB, ref string) apitest.Option {
	p, err := closure.Load(ref)
	if err != nil {
		t.Fatal(err)
	}
	return func(c *app.Config) { c.Policy = p }
}

// Exec runs SQL written with ? placeholders on the env's store.
func Exec(t testing.TB, e *apitest.Env, q string, args ...any) {
	t.Helper()
	if e.Dialect == "postgres" {
		n := 0
		q = regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string { n++; return "$" + strconv.Itoa(n) })
	}
	if _, err := e.DB.SQL().Exec(q, args...); err != nil {
		t.Fatalf("fixture %q: %v", q, err)
	}
}

func us(t time.Time) int64 { return t.UnixMicro() }

// Blocker puts the account in the situation that produces code, at the env clock's time.
func Blocker(t testing.TB, e *apitest.Env, accountID string, code purse.Code) {
	t.Helper()
	now := e.Clock.Now()
	id := purse.NewID()
	switch code {
	case purse.CodeBalanceNotZero:
		Book(t, e, accountID, purse.BookMain, "CNY", 100)
	case purse.CodePointsNotZero:
		Book(t, e, accountID, purse.BookPoints, "PTS", 5)
	case purse.CodeFundNotZero:
		Book(t, e, accountID, purse.BookFund, "CNY", 10000)
	case purse.CodeStoredBalanceNotZero:
		Book(t, e, accountID, purse.BookStored, "STV", 3)
	case purse.CodeTransactionInProgress:
		Exec(t, e, `INSERT INTO ledger_transactions (id, kind, status, account_id, amount, currency, created_at, settled_at)
			VALUES (?, 'withdrawal', 'settled', ?, 100, 'CNY', ?, ?)`, id, accountID, us(now), us(now))
	case purse.CodeAutoDebitActive:
		Exec(t, e, `INSERT INTO auto_debits (id, account_id, merchant, kind, status, created_at) VALUES (?, ?, 'Metro', 'general', 'active', ?)`,
			id, accountID, us(now))
	case purse.CodeCreditLineOpen:
		Exec(t, e, `INSERT INTO credit_lines (id, account_id, limit_amount, currency, status, created_at) VALUES (?, ?, 500000, 'CNY', 'open', ?)`,
			id, accountID, us(now))
	case purse.CodeAgreementNotMet:
		Exec(t, e, `INSERT INTO account_flags (id, account_id, kind, status, created_at) VALUES (?, ?, 'special_agreement', 'active', ?)`,
			id, accountID, us(now))
	case purse.CodeBusinessInProgress:
		Exec(t, e, `INSERT INTO business_flows (id, account_id, kind, status, created_at, expires_at) VALUES (?, ?, 'phone_change', 'pending', ?, ?)`,
			id, accountID, us(now), us(now.Add(time.Hour)))
	case purse.CodeAccountDisputed:
		Exec(t, e, `INSERT INTO disputes (id, account_id, reason, status, created_at) VALUES (?, ?, 'trade dispute', 'open', ?)`,
			id, accountID, us(now))
	case purse.CodeMerchantContractActive:
		Exec(t, e, `INSERT INTO merchant_contracts (id, account_id, title, starts_at, ends_at, status, created_at) VALUES (?, ?, 'POS', ?, ?, 'active', ?)`,
			id, accountID, us(now.Add(-time.Hour)), us(now.Add(365*24*time.Hour)), us(now))
	case purse.CodeQuickPayBound:
		Card(t, e, accountID)
	case purse.CodeOneClickPayOn:
		Exec(t, e, `UPDATE accounts SET one_click_pay = ? WHERE id = ?`, true, accountID)
	case purse.CodeLinkedAccountBound:
		Linked(t, e, accountID, "")
	case purse.CodeCouponsUnused:
		Exec(t, e, `INSERT INTO coupons (id, account_id, title, amount, currency, status, expires_at, created_at) VALUES (?, ?, '5 off', 500, 'CNY', 'unused', ?, ?)`,
			id, accountID, us(now.Add(30*24*time.Hour)), us(now))
	case purse.CodeEnvCertificateMissing:
		Exec(t, e, `UPDATE accounts SET certificate_required = ?, certificate_id = ? WHERE id = ?`, true, "cert-"+accountID[:8], accountID)
	case purse.CodeAccountNotActivated:
		Exec(t, e, `UPDATE accounts SET activated = ? WHERE id = ?`, false, accountID)
	default:
		t.Fatalf("closuretest: no fixture for %s", code)
	}
}

// Book sets an account's book to amount.
func Book(t testing.TB, e *apitest.Env, accountID string, book purse.Book, currency string, amount int64) {
	Exec(t, e, `INSERT INTO ledger_balances (owner, book, currency, amount, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (owner, book, currency) DO UPDATE SET amount = excluded.amount`,
		accountID, string(book), currency, amount, us(e.Clock.Now()))
}

// Card binds a quick-pay card and returns its id.
func Card(t testing.TB, e *apitest.Env, accountID string) string {
	id := purse.NewID()
	Exec(t, e, `INSERT INTO cards (id, account_id, bank, last4, status, created_at) VALUES (?, ?, 'ICBC', '1234', 'bound', ?)`,
		id, accountID, us(e.Clock.Now()))
	return id
}

// Linked links an account on another platform with a webhook URL and returns its id.
func Linked(t testing.TB, e *apitest.Env, accountID, webhook string) string {
	id := purse.NewID()
	Exec(t, e, `INSERT INTO linked_accounts (id, account_id, platform, external_id, webhook_url, status, created_at)
		VALUES (?, ?, 'taobao', ?, ?, 'linked', ?)`, id, accountID, "tb-"+id[:8], webhook, us(e.Clock.Now()))
	return id
}

// Messages returns the messages to a phone, e-mail or URL, newest first.
func Messages(t testing.TB, e *apitest.Env, to string) []*purse.Message {
	t.Helper()
	var out []*purse.Message
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		out, err = tx.MessagesTo(context.Background(), to, 50)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// Code reads the newest one-time code sent to a phone or e-mail.
func Code(t testing.TB, e *apitest.Env, to string) string {
	t.Helper()
	for _, m := range Messages(t, e, to) {
		if m.Template == "closure_otp" {
			if g := sixDigits.FindStringSubmatch(m.Body); g != nil {
				return g[1]
			}
		}
	}
	t.Fatalf("no code sent to %s", to)
	return ""
}

// Link reads the newest closure link's token sent to an e-mail address.
func Link(t testing.TB, e *apitest.Env, to string) string {
	t.Helper()
	for _, m := range Messages(t, e, to) {
		if m.Template == "closure_link" {
			_, after, ok := strings.Cut(m.Body, "token=")
			if ok {
				return strings.Fields(after)[0]
			}
		}
	}
	t.Fatalf("no link sent to %s", to)
	return ""
}

// Flow is the part of a closure flow tests read.
type Flow struct {
	ID       string           `json:"id"`
	State    string           `json:"state"`
	Policy   string           `json:"policy"`
	Next     string           `json:"next"`
	Deadline time.Time        `json:"deadline"`
	Blockers []map[string]any `json:"blockers"`
	Factors  struct {
		Required []string `json:"required"`
		Passed   []string `json:"passed"`
	} `json:"factors"`
	Agreement *struct{ Text string } `json:"agreement"`
	Rights    *struct {
		Lost   []string `json:"lost"`
		Linked []string `json:"linked"`
	} `json:"rights"`
	History []map[string]any `json:"history"`
}

// Decode reads a flow from a response.
func Decode(t testing.TB, r *apitest.Response) *Flow {
	t.Helper()
	var f Flow
	r.JSON(t, &f)
	return &f
}

// Codes lists the blocker codes of a flow or problem.
func Codes(bs []map[string]any) []string {
	var out []string
	for _, b := range bs {
		out = append(out, fmt.Sprint(b["code"]))
	}
	return out
}

// AccountStatus reads an account's status.
func AccountStatus(t testing.TB, e *apitest.Env, id string) purse.AccountStatus {
	t.Helper()
	var st purse.AccountStatus
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		a, err := tx.Account(context.Background(), id)
		if err == nil {
			st = a.Status
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
