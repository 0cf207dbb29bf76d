// Package app wires purse together from a store and a configuration: the one place, with
// cmd/purse, that knows every concrete type. Tests use it to run the real server in-process.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
	"github.com/purse-wallet/purse/vault"
	"github.com/purse-wallet/purse/wallet"
)

// Config is what App needs beyond the store.
type Config struct {
	MasterKey    []byte
	Clock        purse.Clock
	Log          *slog.Logger
	HTTP         purshttp.Config
	Location     *time.Location // the operator's time zone, for messages
	HasherParams *secret.Params // nil: secret.DefaultParams
	Wallet       wallet.Config  // limits of money movements; zero values take the defaults
}

// App is a running purse: its store, services and HTTP handler.
type App struct {
	Store     *sqlstore.DB
	Vault     *vault.Vault
	Hasher    *secret.Hasher
	Catalog   *i18n.Catalog
	Accounts  *account.Service
	Operators *operator.Service
	Wallet    *wallet.Service
	Tasks     []jobs.Task // background jobs, run by a jobs.Runner
	HTTP      *purshttp.Server
	Clock     purse.Clock
	Log       *slog.Logger
}

// OpenStore opens the store a --db value names: a postgres:// or postgresql:// URL, else a SQLite
// file path.
func OpenStore(ctx context.Context, db string, clock purse.Clock) (*sqlstore.DB, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db, clock)
	}
	return sqlite.Open(ctx, db, clock)
}

// New builds the services over an open, migrated store.
func New(ctx context.Context, store *sqlstore.DB, cfg Config) (*App, error) {
	v, err := vault.New(cfg.MasterKey)
	if err != nil {
		return nil, err
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	cat, err := i18n.New(cfg.Location)
	if err != nil {
		return nil, err
	}
	params := secret.DefaultParams
	if cfg.HasherParams != nil {
		params = *cfg.HasherParams
	}
	// One argon2id hash at a time per core: each holds 19 MiB, and more at once only queue in the CPU.
	hasher := secret.NewHasher(params, runtime.GOMAXPROCS(0))
	a := &App{Store: store, Vault: v, Hasher: hasher, Catalog: cat, Clock: cfg.Clock, Log: cfg.Log}
	a.Accounts = &account.Service{Store: store, Vault: v, Hasher: hasher, Clock: cfg.Clock, Log: cfg.Log}
	a.Operators = &operator.Service{Store: store, Hasher: hasher}
	if err := store.Warm(ctx); err != nil {
		return nil, err
	}
	a.Wallet = wallet.New(store, a.Accounts, nil, cfg.Wallet, cfg.Log)
	a.Tasks = append(a.Tasks, a.Wallet.Tasks()...)
	if cfg.Wallet.GroupCommit > 0 && store.Dialect() == "sqlite" {
		a.Wallet.EnableGroupCommit(ctx, cfg.Wallet.GroupCommit)
	}
	a.HTTP = purshttp.New(&purshttp.Server{
		Accounts: a.Accounts, Operators: a.Operators, Store: store, Catalog: cat, Clock: cfg.Clock, Config: cfg.HTTP,
		Wallet: a.Wallet,
	}, cfg.Log)
	if err := a.applyStartSwitches(ctx, cfg.HTTP); err != nil {
		return nil, err
	}
	return a, nil
}

// applyStartSwitches writes --maintenance and --min-client-version to the live settings, so that
// the flags given at start win over what an operator last chose, and every instance sees them.
func (a *App) applyStartSwitches(ctx context.Context, c purshttp.Config) error {
	if c.Maintenance != "" {
		if err := a.HTTP.SetMaintenance(ctx, &purshttp.Maintenance{Notice: c.Maintenance}); err != nil {
			return fmt.Errorf("set maintenance: %w", err)
		}
	}
	if c.MinClientVersion != "" {
		if err := a.HTTP.SetMinClientVersion(ctx, c.MinClientVersion); err != nil {
			return fmt.Errorf("set minimum client version: %w", err)
		}
	}
	return nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }
