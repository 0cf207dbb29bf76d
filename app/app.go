// Package app wires purse together from a store and a configuration: the one place, with
// cmd/purse, that knows every concrete type. Tests use it to run the real server in-process.
package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/export"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/metrics"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
	"github.com/purse-wallet/purse/vault"
	"github.com/purse-wallet/purse/verify"
	"github.com/purse-wallet/purse/wallet"
	"github.com/purse-wallet/purse/web"
)

// Config is what App needs beyond the store.
type Config struct {
	// MasterKey is a single master key (version 1); Keys, when set, is the keyring of versions
	// instead (vault.Keyring, `purse keys`).
	MasterKey    []byte
	Keys         *vault.Keyring
	Clock        purse.Clock
	Log          *slog.Logger
	HTTP         purshttp.Config
	Location     *time.Location // the operator's time zone, for messages
	HasherParams *secret.Params // nil: secret.DefaultParams

	// Retention is the retention policy; zero fields take lifecycle.DefaultPolicy.
	Retention    lifecycle.Policy
	Notify       notify.Config       // message providers; a channel without one goes to the dev outbox
	Policy       *closure.Policy     // the closure policy; nil: the strict preset
	Certificates *certificate.Signer // signs closure certificates; nil: a key made for this run
	BaseURL      string              // prefixes links in messages, e.g. https://wallet.example.com
	// DocumentLinkTTL is how long the closure documents link in the closure and erasure notices
	// works; 0: closure.DefaultDocumentLinkTTL.
	DocumentLinkTTL time.Duration
	Support         web.Support   // the operator's customer-service channels, shown on the pages
	Wallet          wallet.Config // limits of money movements; zero values take the defaults
	// Calendar counts legal deadlines (holidays and make-up working days); nil: the embedded
	// China schedule in Location. SupportEmail gets the deadline warnings ("" sends none).
	Calendar     *calendar.Calendar
	SupportEmail string
	// Gateway is the bank behind top-ups and withdrawals. nil is refused unless HTTP.Demo is set,
	// where the sandbox (which approves every top-up) is used: production never falls into it.
	Gateway bank.Gateway
	// DevOutbox accepts channels without a provider: their messages stay in the dev outbox and
	// reach nobody (purse serve --dev-outbox says so in every log line).
	DevOutbox bool

	// StoreDeadline bounds each transaction whose context has no deadline (a request's): a
	// database that does not answer within it answers 503 UNAVAILABLE. 0: sqlstore.DefaultDeadline;
	// negative: none.
	StoreDeadline time.Duration
	// RegistrationFloor is the least time a registration's start and finish take (issue 14):
	// 0 is account.DefaultRegistrationFloor; negative, none (tests that register by the hundred).
	RegistrationFloor time.Duration
	// RequireTwoStep makes every account pass a second step on a new device (GE-7, issue 14).
	RequireTwoStep bool
}

// App is a running purse: its store, services and HTTP handler.
type App struct {
	Store     *sqlstore.DB
	Vault     *vault.Vault
	Hasher    *secret.Hasher
	Catalog   *i18n.Catalog
	Accounts  *account.Service
	Operators *operator.Service
	Blockers  *blocker.Service
	Business  *business.Service
	Lifecycle *lifecycle.Service
	Exports   *export.Service
	Closures  *closure.Service
	Wallet    *wallet.Service
	Approvals *approval.Service // four eyes on value actions (issue 13)
	HTTP      *purshttp.Server
	Web       *web.Handler
	Clock     purse.Clock
	Log       *slog.Logger
	// Jobs are the background tasks serve runs (jobs.Runner); each service appends its own.
	Jobs    []jobs.Task
	Outbox  *notify.Worker
	Metrics *metrics.Metrics
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
	ring := vault.SingleKey(cfg.MasterKey)
	if cfg.Keys != nil {
		ring = *cfg.Keys
	}
	v, err := vault.Open(ring)
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
	switch {
	case cfg.StoreDeadline == 0:
		store.SetDeadline(sqlstore.DefaultDeadline)
	case cfg.StoreDeadline > 0:
		store.SetDeadline(cfg.StoreDeadline)
	}
	// The store seals the outbox and linked ids itself (issue 15); rows kept in clear by an older
	// purse are sealed now, before anything reads them.
	store.UseSealer(v)
	if _, err := store.SealClearRows(ctx); err != nil {
		return nil, err
	}
	a := &App{Store: store, Vault: v, Hasher: hasher, Catalog: cat, Clock: cfg.Clock, Log: cfg.Log}
	a.Metrics = metrics.New(store)
	// Payment passwords: a keyed hash under a key derived from the keyring (never stored), with
	// the argon2id hasher for the verifiers made before it, each upgraded on its next right PIN.
	pins, err := secret.NewPINs(v.PINKey(), hasher)
	if err != nil {
		return nil, err
	}
	a.Accounts = &account.Service{Store: store, Vault: v, Hasher: hasher, PINs: pins, Clock: cfg.Clock, Log: cfg.Log}
	a.Accounts.Catalog = cat
	a.Accounts.RequireTwoStep = cfg.RequireTwoStep
	switch {
	case cfg.RegistrationFloor == 0:
		a.Accounts.RegistrationFloor = account.DefaultRegistrationFloor
	case cfg.RegistrationFloor > 0:
		a.Accounts.RegistrationFloor = cfg.RegistrationFloor
	}
	a.Operators = &operator.Service{Store: store, Hasher: hasher}
	a.Blockers = &blocker.Service{Store: store, Vault: v, Log: cfg.Log}
	a.Business = &business.Service{Store: store, Vault: v, Accounts: a.Accounts, Hasher: hasher, Catalog: cat, Log: cfg.Log,
		RecoveryFloor: business.DefaultRecoveryFloor}
	a.Jobs = append(a.Jobs, a.Business.ReleaseTask()) // AP-9: numbers released after their waiting period
	// The pages need the API server's live switches and the API server mounts the pages: the
	// pages get the server through a forwarder set once both exist.
	sw := &switchesOf{}
	a.Web, err = web.New(&web.Handler{Accounts: a.Accounts, Operators: a.Operators, Store: store, Catalog: cat,
		Clock: cfg.Clock, Log: cfg.Log, Switches: sw, Key: v.WebKey(), Sealer: v, Support: cfg.Support})
	if err != nil {
		return nil, err
	}
	retention := cfg.Retention
	if retention.ScrubEvery == 0 && store.Dialect() == "postgres" {
		// A PostgreSQL scrub costs what the tables cost, a SQLite one what the batches wrote
		// (lifecycle.Policy.ScrubEvery).
		retention.ScrubEvery = lifecycle.TableScrubEvery
	}
	a.Lifecycle = &lifecycle.Service{Store: store, Vault: v, Catalog: cat, Log: cfg.Log, Policy: retention, Clock: cfg.Clock}
	a.Exports = &export.Service{Store: store, Accounts: a.Accounts, Catalog: cat, Location: cfg.Location}
	if err := store.Warm(ctx); err != nil {
		return nil, err
	}
	gw := cfg.Gateway
	if gw == nil {
		if !cfg.HTTP.Demo {
			return nil, errors.New("no bank gateway configured (outside the demo the sandbox is refused: it approves top-ups no bank paid)")
		}
		gw = bank.Sandbox{Location: cfg.Wallet.Location}
	}
	a.Wallet = wallet.New(store, a.Accounts, gw, cfg.Wallet, cfg.Log)
	a.Wallet.OTP, a.Wallet.Catalog = &verify.OTP{Vault: v}, cat
	a.Jobs = append(a.Jobs, a.Wallet.Tasks()...)
	a.Approvals = &approval.Service{Store: store}
	a.Wallet.RegisterApprovals(a.Approvals)
	a.Blockers.RegisterApprovals(a.Approvals)
	a.Jobs = append(a.Jobs, a.Approvals.Tasks()...)
	if cfg.Wallet.GroupCommit > 0 {
		a.Wallet.EnableGroupCommit(ctx, cfg.Wallet.GroupCommit)
	}
	if err := a.newClosures(ctx, cfg, v, cat); err != nil {
		return nil, err
	}
	// The purge's erasing transaction issues the erasure receipt, and its notice links to it.
	a.Lifecycle.Erased, a.Lifecycle.DocumentLinks = a.Closures.IssueReceipts, a.Closures.ErasureLinks
	a.Web.Closures, a.Web.Blockers, a.Web.Business, a.Web.Lifecycle = a.Closures, a.Blockers, a.Business, a.Lifecycle
	a.Web.UseWallet(a.Wallet, a.Exports)
	a.Web.Approvals = a.Approvals
	a.HTTP = purshttp.New(&purshttp.Server{
		Accounts: a.Accounts, Operators: a.Operators, Store: store, Sealer: v, Catalog: cat, Clock: cfg.Clock, Config: cfg.HTTP,
		Blockers: a.Blockers, Business: a.Business, Pages: a.Web,
		Lifecycle: a.Lifecycle, Exports: a.Exports, Metrics: a.Metrics,
		Wallet: a.Wallet, Closures: a.Closures, Approvals: a.Approvals,
	}, cfg.Log)
	sw.Switches = a.HTTP
	if err := a.startOutbox(cfg); err != nil {
		return nil, err
	}
	a.Jobs = append(a.Jobs, a.Lifecycle.Tasks()...)
	a.Jobs = append(a.Jobs, lifecycle.IdempotencyTask(store))
	a.Jobs = append(a.Jobs, lifecycle.LoginLockTask(store))
	if err := a.applyStartSwitches(ctx, cfg.HTTP); err != nil {
		return nil, err
	}
	return a, nil
}

// startOutbox builds the outbox worker over the configured providers and adds it to the jobs.
// Outside the demo, a channel left to the dev outbox is worth a warning: its messages are marked
// sent and reach nobody.
func (a *App) startOutbox(cfg Config) error {
	senders, err := cfg.Notify.Senders(cfg.Clock)
	if err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	for _, ch := range []purse.Channel{purse.ChannelEmail, purse.ChannelSMS, purse.ChannelWebhook} {
		if senders[ch] == nil && !cfg.HTTP.Demo && !cfg.DevOutbox && cfg.Log != nil {
			cfg.Log.Warn("no provider configured: messages go to the dev outbox and reach nobody", "channel", string(ch))
		}
	}
	a.Outbox = &notify.Worker{Store: a.Store, Senders: senders, Log: cfg.Log, Observe: a.Metrics.Message}
	a.Jobs = append(a.Jobs, a.Outbox.Task(), (&notify.Pruner{Store: a.Store}).Task())
	return nil
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

// switchesOf forwards the pages' switch changes to the API server, created after the pages.
type switchesOf struct{ web.Switches }

// newClosures builds the closure engine with its policy and certificate key.
func (a *App) newClosures(ctx context.Context, cfg Config, v *vault.Vault, cat *i18n.Catalog) error {
	p := cfg.Policy
	if p == nil {
		var err error
		if p, err = closure.Load(closure.DefaultPolicy); err != nil {
			return err
		}
	}
	cat.SetProducts(p.Products) // the operator's product names, in every message from here on
	signer := cfg.Certificates
	if signer == nil {
		a.Log.Warn("no closure certificate key given: certificates are signed with a key made for this run only")
		seed := make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		signer = &certificate.Signer{Key: ed25519.NewKeyFromSeed(seed)}
	}
	// The documents state the settings in force: the purge's retention policy, this server as
	// issuer (its /.well-known/jwks.json has the key), the operator's zone.
	sg := *signer
	sg.Retention, sg.Issuer, sg.Location = cfg.Retention, strings.TrimSuffix(cfg.BaseURL, "/"), cfg.Location
	signer = &sg
	a.Closures = &closure.Service{Store: a.Store, Accounts: a.Accounts, Catalog: cat, Policy: p,
		OTP: &verify.OTP{Vault: v}, Captchas: &verify.Captchas{Vault: v}, Signer: signer, BaseURL: cfg.BaseURL, Log: a.Log,
		Sweeper: a.Wallet, DocumentLinkTTL: cfg.DocumentLinkTTL}
	if a.Store.Dialect() == "sqlite" && cfg.Wallet.GroupCommit > 0 {
		// SQLite's one writer makes each step's commit a turn of its own; a group shares one
		// turn and one fsync between the steps of concurrent flows. On PostgreSQL concurrent
		// commits share WAL flushes already, and steps that lock accounts in any order could
		// deadlock a whole group against the wallet's. Measured there anyway (8 flow clients,
		// alternating): the server's CPU a flow fell by a fifth and purse's rose by a quarter,
		// under 5 % less in all, at fewer flows/s (docs/BENCHMARKS.md, session 14).
		g := wallet.NewGroup(a.Store, 64)
		g.Start(ctx)
		a.Closures.Group = g
	}
	cal := cfg.Calendar
	if cal == nil {
		cal = calendar.China(cfg.Location)
	}
	a.Closures.Calendar = cal
	deadlines := &closure.Deadlines{Store: a.Store, Calendar: cal, Catalog: cat, Support: cfg.SupportEmail, Language: i18n.Chinese, Log: a.Log}
	a.Metrics.Deadlines(deadlines.Counts)
	a.Jobs = append(a.Jobs, a.Closures.CloseTask(), a.Closures.ExpireTask(), a.Closures.RemindTask(), deadlines.Task(), a.Closures.LinksTask())
	return nil
}
