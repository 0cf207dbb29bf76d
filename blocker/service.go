// Package blocker runs the services that can block a closure (AP-8, TP-1, IM-3), money and the
// credit line aside: auto-debit agreements, merchant contracts, linked accounts, disputes,
// agreement flags, coupons and the one-click-pay switch, and support's view of an account.
//
// They share one pattern, which is why they share one package: the operator (or the user) creates
// an item, the user sees it, and someone ends it, which is how a blocker is removed. Every change
// locks the account row first, so a closure's final check, which locks the same row, never races
// a new item in (DESIGN.md §2), and every operator action is audited in the same transaction.
// Business in progress (codes, phone change) has rules of its own and lives in package business.
package blocker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/vault"
)

// Codes of this package.
const (
	// CodeNotMerchant: a merchant contract needs a merchant account (AP-8.9).
	CodeNotMerchant purse.Code = "NOT_MERCHANT"
	// CodeContractNotInTerm: an early end was asked of a contract that no longer binds (AP-8.9).
	CodeContractNotInTerm purse.Code = "CONTRACT_NOT_IN_TERM"
	// CodeContractTerminationPending: the early end was already asked; support decides.
	CodeContractTerminationPending purse.Code = "CONTRACT_TERMINATION_PENDING"
	// CodeLinkExists: the platform account is already linked to this account.
	CodeLinkExists purse.Code = "LINK_EXISTS"
)

// Service runs the blocking services.
type Service struct {
	Store purse.Store
	Vault *vault.Vault
	Log   *slog.Logger
}

// Actor names who acts, for the audit chain.
func OperatorActor(o *purse.Operator) string { return "operator:" + o.ID }

// AccountActor names an end user acting on their own account.
func AccountActor(accountID string) string { return "account:" + accountID }

// Who may receive what: new business needs an account that still takes it (active or
// restricted), so nothing new slips in behind a closure's last check (DESIGN.md §2); an operator's
// protective marks (a dispute, a flag) may still land on a closing account, during cooling-off,
// where a fraud found late must be able to stop the closure; ending anything is always allowed.
var (
	newBusiness  = purse.AccountStatus.AcceptsPostings
	operatorMark = purse.AccountStatus.Live
	anyStatus    = func(purse.AccountStatus) bool { return true }
)

// change runs fn on the locked account and records the audit event fn describes. An account whose
// status allowed refuses answers ACCOUNT_NOT_ACTIVE. fn returns the audit data, or nil data to
// record nothing (an item that was already ended).
func (s *Service) change(ctx context.Context, actor, accountID, action string, allowed func(purse.AccountStatus) bool,
	fn func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error)) error {
	if !purse.ValidID(accountID) {
		return notFound("account", accountID)
	}
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if errors.Is(err, purse.ErrNotFound) {
			return notFound("account", accountID)
		}
		if err != nil {
			return err
		}
		if !allowed(acct.Status) {
			return &purse.Error{Code: purse.CodeAccountNotActive, Detail: "account is " + string(acct.Status)}
		}
		data, err := fn(tx, acct)
		if err != nil || data == nil {
			return err
		}
		return audit.Record(ctx, tx, actor, action, accountID, data)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

// read runs fn in a read transaction after checking the account exists.
func (s *Service) read(ctx context.Context, accountID string, fn func(tx purse.Tx) error) error {
	if !purse.ValidID(accountID) {
		return notFound("account", accountID)
	}
	return s.Store.Read(ctx, func(tx purse.Tx) error {
		if _, err := tx.Account(ctx, accountID); errors.Is(err, purse.ErrNotFound) {
			return notFound("account", accountID)
		} else if err != nil {
			return err
		}
		return fn(tx)
	})
}

func notFound(what, id string) error {
	return purse.Errorf(purse.CodeNotFound, "no %s %s", what, id)
}

// item maps a store miss to NOT_FOUND, so another account's id looks like no id at all.
func item(err error, what, id string) error {
	if errors.Is(err, purse.ErrNotFound) {
		return notFound(what, id)
	}
	return err
}

// text trims s and refuses it when empty or longer than max runes (INVALID_REQUEST naming field).
func text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n == 0 || n > max {
		return "", invalid(field, fmt.Sprintf("%s must have 1 to %d characters", field, max))
	}
	return s, purse.CheckText(field, s)
}

func invalid(field, detail string) error {
	return &purse.Error{Code: purse.CodeInvalidRequest, Detail: detail,
		Fields: []purse.FieldError{{Field: field, Code: purse.CodeInvalidRequest, Message: detail}}}
}
