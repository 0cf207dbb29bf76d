// Package wallet moves money for users and operators: cards, top-ups, withdrawals, transfers, the
// fund, points, stored value and the credit line. Each movement is one store transaction that locks
// the accounts it touches, checks the rules and posts through the ledger package.
//
// A restricted account (an open dispute, AP-8.8) may still receive money and move money between
// its own books (fund, credit repayment), but it may not send value away: transfers, withdrawals,
// credit draws and points or stored-value spending answer ACCOUNT_RESTRICTED, so that a disputed
// balance cannot leave while the dispute is open.
package wallet

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/verify"
)

// Defaults of Config.
const (
	DefaultPasswordAbove = 100000             // 1,000.00 CNY: the largest password-free payment
	DefaultSmallDaily    = 1000000            // 10,000.00 CNY of password-free payments a day
	DefaultMaxAmount     = 1000000000000      // 10,000,000,000.00 CNY in one movement
	RecentWindow         = 7 * 24 * time.Hour // how long the demo shows a settled withdrawal as recent
)

// Config holds the operator's limits.
type Config struct {
	// PasswordAbove is the largest transfer (fen) that may go without the payment password
	// (小额免密); every other needs it.
	PasswordAbove int64
	// SmallDaily is the most (fen) an account's password-free payments may add up to in a day.
	SmallDaily int64
	// MaxAmount is the largest amount of one movement.
	MaxAmount int64
	// Location is where settlement days are counted (Asia/Shanghai).
	Location *time.Location
	// GroupCommit is the most transfers one SQLite commit may carry (0: one commit each); see Group.
	GroupCommit int
	// PointsUnit is how many points convert in one step (DefaultPointsUnit): a conversion must be
	// a whole number of steps, so that no fraction of a fen is paid or lost.
	PointsUnit int64
	// ReconcileAfter is how long a top-up or withdrawal waits at the bank before the
	// reconciliation job asks where it stands (DefaultReconcileAfter).
	ReconcileAfter time.Duration
	// PointsUnitValue is what one step of PointsUnit points pays into the balance, in fen
	// (DefaultPointsUnitValue).
	PointsUnitValue int64
}

// Service is the movements service.
type Service struct {
	Store    purse.Store
	Accounts *account.Service
	Gateway  bank.Gateway
	Config   Config
	Log      *slog.Logger
	// OTP and Catalog send the SMS code that binding a card needs (SendCardCode).
	OTP     *verify.OTP
	Catalog *i18n.Catalog

	group *Group // nil unless EnableGroupCommit
}

// New returns a service with the defaults filled in.
func New(store purse.Store, accounts *account.Service, gw bank.Gateway, cfg Config, log *slog.Logger) *Service {
	if cfg.PasswordAbove == 0 {
		cfg.PasswordAbove = DefaultPasswordAbove
	}
	if cfg.SmallDaily == 0 {
		cfg.SmallDaily = DefaultSmallDaily
	}
	if cfg.MaxAmount == 0 {
		cfg.MaxAmount = DefaultMaxAmount
	}
	if cfg.PointsUnit <= 0 {
		cfg.PointsUnit = DefaultPointsUnit
	}
	if cfg.PointsUnitValue <= 0 {
		cfg.PointsUnitValue = DefaultPointsUnitValue
	}
	if cfg.Location == nil {
		cfg.Location = bank.Shanghai()
	}
	if cfg.ReconcileAfter <= 0 {
		cfg.ReconcileAfter = DefaultReconcileAfter
	}
	if gw == nil {
		// No default: a sandbox that approves every top-up must be chosen, never fallen into.
		panic("wallet: no bank gateway")
	}
	return &Service{Store: store, Accounts: accounts, Gateway: gw, Config: cfg, Log: log}
}

// checkAmount refuses zero, negative and oversized amounts: AMOUNT_INVALID.
func (s *Service) checkAmount(amount int64) error {
	if amount <= 0 || amount > s.Config.MaxAmount {
		return &purse.Error{Code: purse.CodeAmountInvalid, Params: map[string]any{"Max": cny(s.Config.MaxAmount)},
			Detail: "amount out of range"}
	}
	return nil
}

// sender locks the account and refuses one that may not send value away: ACCOUNT_NOT_ACTIVE,
// ACCOUNT_RESTRICTED.
func sender(ctx context.Context, tx purse.Tx, held ledger.Locked, id string) error {
	held, err := ledger.Lock(ctx, tx, held, id)
	if err != nil {
		return err
	}
	if held[id] == purse.StatusRestricted {
		return purse.Errorf(purse.CodeAccountRestricted, "account %s is restricted", id)
	}
	return nil
}

// cny is an amount of fen as Money, which messages print as "CNY 12.50".
func cny(fen int64) purse.Money { return purse.Money{Amount: fen, Currency: purse.CNY} }

// record builds a settled transaction row of the kind, started by the account.
func record(tx purse.Tx, kind purse.TxKind, accountID string, amount int64, cur purse.Currency) *purse.LedgerTransaction {
	now := tx.Now()
	return &purse.LedgerTransaction{ID: purse.NewID(), Kind: kind, Status: purse.TxSettled, AccountID: accountID,
		Amount: amount, Currency: cur, CreatedAt: now, SettledAt: &now}
}

// pending turns a row into a pending one that settles after the time.
func pending(t *purse.LedgerTransaction, after time.Time) *purse.LedgerTransaction {
	t.Status, t.SettledAt, t.SettleAfter = purse.TxPending, nil, &after
	return t
}

// notFound maps the store's ErrNotFound to NOT_FOUND.
func notFound(err error, what string) error {
	if errors.Is(err, purse.ErrNotFound) {
		return purse.Errorf(purse.CodeNotFound, "no %s", what)
	}
	return err
}

// post runs one movement in a transaction and returns its row.
func (s *Service) post(ctx context.Context, fn func(tx purse.Tx) (*purse.LedgerTransaction, error)) (*purse.LedgerTransaction, error) {
	var out *purse.LedgerTransaction
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
