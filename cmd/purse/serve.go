package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/demo"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/logs"
	"github.com/purse-wallet/purse/vault"
	"github.com/purse-wallet/purse/wallet"
	"github.com/purse-wallet/purse/web"
)

// StoreFlags name the database.
type StoreFlags struct {
	DB string `default:"purse.db" env:"PURSE_DB" help:"SQLite file path, or a postgres:// URL for PostgreSQL."`
}

// ServeCmd runs the server.
type ServeCmd struct {
	StoreFlags
	RetentionFlags
	Addr             string `default:":8080" env:"PURSE_ADDR" help:"Address to listen on."`
	Demo             bool   `env:"PURSE_DEMO" help:"Seed demo accounts, enable the dev endpoints, and make a master key if none is given."`
	MinClientVersion string `env:"PURSE_MIN_CLIENT_VERSION" help:"Answer 426 APP_VERSION_OUTDATED to clients whose X-Client-Version is older."`
	Maintenance      string `env:"PURSE_MAINTENANCE" help:"Start in maintenance mode with this notice (503 MAINTENANCE)."`
	LogFormat        string `default:"json" enum:"json,text" env:"PURSE_LOG_FORMAT" help:"Log format: json or text."`
	MasterKeyFile    string `env:"PURSE_MASTER_KEY_FILE" help:"File holding the 32-byte master key (hex or base64). PURSE_MASTER_KEY may hold it instead."`
	TimeZone         string `default:"Asia/Shanghai" env:"PURSE_TIME_ZONE" help:"Time zone for times shown to users and for counting legal deadlines."`
	Holidays         string `env:"PURSE_HOLIDAYS" help:"Holiday calendar file (docs/deadlines.md format) counting legal deadlines; default: the embedded mainland China schedule."`
	SupportEmail     string `env:"PURSE_SUPPORT_EMAIL" help:"Where warnings about closure requests near or past their legal deadline are e-mailed."`
	NotifyFlags
	CheckpointFlags
	Policy          string        `default:"strict" env:"PURSE_POLICY" help:"Closure policy: a preset (strict, tenpay, postal, imwallet, alipay) or a policy file (.toml)."`
	CertificateKey  string        `env:"PURSE_CERTIFICATE_KEY_FILE" help:"File holding the Ed25519 seed (64 hex digits) that signs closure certificates. With --demo and none, one is made next to the database."`
	BaseURL         string        `env:"PURSE_BASE_URL" help:"Public URL of this server, for links in e-mails (e.g. https://wallet.example.com). With --demo and none, http://localhost and the port of --addr."`
	DocumentLinkTTL time.Duration `name:"document-link-ttl" default:"2160h" env:"PURSE_DOCUMENT_LINK_TTL" help:"How long the link to a closed account's signed documents (closure certificate, erasure receipt) in the closure and erasure notices works (default 90 days)."`
	SupportPhone    string        `env:"PURSE_SUPPORT_PHONE" help:"Customer-service phone number the pages show wherever support must help (IM-7)."`
	SupportChat     string        `name:"support-chat-url" env:"PURSE_SUPPORT_CHAT_URL" help:"Link to the operator's online customer-service chat (IM-7)."`
	GroupCommit     int           `default:"256" env:"PURSE_GROUP_COMMIT" help:"Most concurrent transfers one durable commit may carry (0: one commit each); on SQLite it also turns on shared commits for closure steps."`
	PointsUnit      int64         `default:"100" env:"PURSE_POINTS_UNIT" help:"Points converted into the balance in one step; a conversion is a whole multiple."`
	DBDeadline      time.Duration `name:"db-deadline" default:"5s" env:"PURSE_DB_DEADLINE" help:"Longest a request's transaction waits on the database before answering 503 UNAVAILABLE (0: no limit)."`
	SmallMax        int64         `name:"small-payment-max" default:"100000" env:"PURSE_SMALL_PAYMENT_MAX" help:"Largest password-free small payment (小额免密), in fen (100000: 1,000.00 CNY); only for holders who switched them on with the payment password."`
	SmallDaily      int64         `name:"small-payment-daily" default:"1000000" env:"PURSE_SMALL_PAYMENT_DAILY" help:"Most an account's password-free small payments may add up to in a day (operator's zone), in fen (1000000: 10,000.00 CNY)."`
	PointsValue     int64         `name:"points-unit-value" default:"100" env:"PURSE_POINTS_UNIT_VALUE" help:"Fen one step of points pays into the balance (100: 100 points = 1.00 CNY)."`

	// The bank gateway (docs/deployment.md, "Bank gateway"): the sandbox only with --demo.
	Bank        string `enum:",sandbox,http" default:"" env:"PURSE_BANK" help:"Bank gateway: http (the signed protocol of docs/deployment.md, with --bank-url) or sandbox (approves every top-up; accepted only with --demo, which uses it by default)."`
	BankURL     string `env:"PURSE_BANK_URL" help:"Base URL of the bank gateway (https://), for --bank http."`
	BankKeyFile string `env:"PURSE_BANK_KEY_FILE" help:"File holding the key that signs every gateway request and callback (HMAC-SHA256, at least 32 bytes). PURSE_BANK_KEY may hold it instead."`
	// DevOutbox is the explicit choice to run without message providers.
	DevOutbox bool `env:"PURSE_DEV_OUTBOX" help:"Accept channels without a provider: their messages stay in the dev outbox and reach nobody; every log line says so. Implied by --demo."`

	// RequireTwoStep is the operator's policy that every account passes a second step on a new device.
	RequireTwoStep bool `name:"require-two-step" env:"PURSE_REQUIRE_TWO_STEP" help:"Every account passes a second step when it signs in on a new device: an SMS code, or its authenticator app when on (GE-7)."`
	// TrustedProxies decide whose X-Forwarded-For names the client address (limits per client).
	TrustedProxies []string `env:"PURSE_TRUSTED_PROXIES" help:"CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (default: none; the peer address counts)."`

	// /metrics is never public (issue 14): on a listen address of its own, or behind a token.
	MetricsAddr string `env:"PURSE_METRICS_ADDR" help:"Serve /metrics on this separate address (e.g. 127.0.0.1:9090) and nowhere else."`

	logOut io.Writer // where the log goes; nil: standard error (tests read it)
}

// Run starts the server and blocks until SIGINT or SIGTERM.
func (c *ServeCmd) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return c.run(ctx)
}

// run serves until ctx ends, then shuts down gracefully.
func (c *ServeCmd) run(ctx context.Context) error {
	var logOut io.Writer = os.Stderr
	if c.logOut != nil {
		logOut = c.logOut
	}
	log := logs.New(c.LogFormat, logOut, slog.LevelInfo)
	key, err := masterKey(c.MasterKeyFile, c.Demo, c.DB)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", c.TimeZone, err)
	}
	policy, err := closure.Load(c.Policy)
	if err != nil {
		return err // names the file, the line and the reason
	}
	cal, err := calendar.Load(c.Holidays, loc)
	if err != nil {
		return err
	}
	signer, err := c.certificateSigner()
	if err != nil {
		return err
	}
	if err := c.production(); err != nil {
		return err
	}
	if c.DevOutbox && !c.Demo {
		// Every line, not one warning at start that scrolls away: whoever reads any of the log
		// learns that no code or notice reaches a user.
		log = log.With("delivery", "dev-outbox: nothing is delivered")
	}
	for _, y := range []int{time.Now().In(loc).Year(), time.Now().In(loc).Year() + 1} {
		if !cal.Covers(y) {
			log.Warn("the holiday calendar has no schedule for this year: its deadlines count Monday to Friday only; add it with --holidays", "year", y)
		}
	}
	if c.PointsUnit <= 0 || c.PointsValue <= 0 {
		return fmt.Errorf("points rate: --points-unit and --points-unit-value must be positive, got %d and %d", c.PointsUnit, c.PointsValue)
	}
	if c.SmallMax <= 0 || c.SmallDaily < c.SmallMax {
		return fmt.Errorf("small payments: --small-payment-max must be positive and at most --small-payment-daily, got %d and %d", c.SmallMax, c.SmallDaily)
	}
	proxies, err := parsePrefixes(c.TrustedProxies)
	if err != nil {
		return err
	}
	var clk purse.Clock = purse.SystemClock{}
	if c.Demo {
		clk = &clock.Offset{} // the dev endpoint may move it forward
	}
	store, err := app.OpenStore(ctx, c.DB, clk)
	if err != nil {
		return err
	}
	defer store.Close()
	retention, err := c.RetentionPolicy()
	if err != nil {
		return err
	}
	gw, bankKey, err := c.gateway(clk)
	if err != nil {
		return err
	}
	notifyCfg, err := c.notifyConfig()
	if err != nil {
		return err
	}
	a, err := app.New(ctx, store, app.Config{
		Gateway: gw, DevOutbox: c.DevOutbox,
		Keys: &key, Clock: clk, Log: log, Location: loc,
		Retention: retention, StoreDeadline: dbDeadline(c.DBDeadline),
		Policy: policy, Certificates: signer, BaseURL: c.baseURL(), DocumentLinkTTL: c.DocumentLinkTTL,
		Support:  web.Support{Phone: c.SupportPhone, Chat: c.SupportChat},
		Calendar: cal, SupportEmail: c.SupportEmail, RequireTwoStep: c.RequireTwoStep,
		HTTP: purshttp.Config{Version: version, MinClientVersion: c.MinClientVersion,
			Maintenance: c.Maintenance, Demo: c.Demo, SettingsTTL: 2 * time.Second,
			TrustedProxies: proxies, BankKey: bankKey, HTTPS: strings.HasPrefix(strings.ToLower(c.BaseURL), "https://"),
			// A secret: from the environment only, never a flag (ps would show it).
			MetricsToken: os.Getenv("PURSE_METRICS_TOKEN")},
		Notify: notifyCfg,
		Wallet: wallet.Config{GroupCommit: c.GroupCommit, PointsUnit: c.PointsUnit, PointsUnitValue: c.PointsValue,
			PasswordAbove: c.SmallMax, SmallDaily: c.SmallDaily},
	})
	if err != nil {
		return err
	}
	checkpoints, err := c.checkpointer(store, clk, log, c.Demo, c.DB)
	if err != nil {
		return err
	}
	if checkpoints != nil {
		checkpoints.Observe = a.Metrics.Checkpoint
		a.Jobs = append(a.Jobs, checkpoints.Task())
	}
	// The demo's seeding is announced before the listener serves: announced after, a /readyz in
	// between answered ready while no demo account existed yet (seen once in the quick suite).
	var seeded func(error)
	if c.Demo {
		seeded = a.HTTP.Starting("demo seeding")
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.HTTP, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if c.MetricsAddr != "" {
		mln, err := net.Listen("tcp", c.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics address: %w", err)
		}
		msrv := &http.Server{Handler: a.Metrics.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		log.Info("metrics serving", "addr", mln.Addr().String())
	}
	log.Info("purse serving", "addr", ln.Addr().String(), "store", store.Dialect(), "demo", c.Demo, "version", version)
	fmt.Fprintf(os.Stdout, "purse %s listening on http://%s (store: %s)\n", version, displayAddr(ln.Addr()), store.Dialect())

	if c.Demo {
		// Seeding hashes two dozen passwords; the listener is already up so health answers at
		// once, and /readyz waits for the seeding, so that ready means the demo password works.
		go func() {
			err := demo.Seed(ctx, a, os.Stdout)
			if err != nil {
				log.Error("demo seed failed", "error", err.Error())
			}
			seeded(err)
		}()
	}

	// Background jobs (settlement, outbox delivery, cooling-off, retention) stop when ctx ends (a
	// signal); shutdown waits for their current batch.
	jobCtx, stopJobs := context.WithCancel(ctx)
	waitJobs := (&jobs.Runner{Tasks: a.Jobs, Log: log}).Start(jobCtx)
	defer func() { stopJobs(); waitJobs() }()
	log.Info("closure policy", "policy", policy.Name)

	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	log.Info("purse shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	stopJobs()
	waitJobs()
	if checkpoints != nil {
		// The last head, after the last job: the window a checkpoint does not cover is what the
		// next start appends before its first checkpoint, not what this run appended.
		if _, cerr := checkpoints.Checkpoint(shutdown); cerr != nil {
			log.Error("audit checkpoint at shutdown failed", "error", cerr.Error())
			err = errors.Join(err, cerr)
		}
	}
	return err
}

// dbDeadline turns the flag's "0: no limit" into app.Config's.
func dbDeadline(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// baseURL is the public URL for links in messages. A demo with none gets this machine's address,
// so that the demo's e-mail link opens from a mail client (IM-2): a relative link opens nowhere.
func (c *ServeCmd) baseURL() string {
	if c.BaseURL != "" || !c.Demo {
		return c.BaseURL
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}

// masterKey reads the operator's master key, a single key or a keyring of versions (vault.Keyring):
// PURSE_MASTER_KEY, else the key file. With --demo and neither, a key file is made next to the
// database so that demo data survives restarts.
func masterKey(file string, demoMode bool, db string) (vault.Keyring, error) {
	if env := os.Getenv("PURSE_MASTER_KEY"); env != "" {
		return vault.ParseKeyring(env)
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return vault.Keyring{}, fmt.Errorf("master key: %w", err)
		}
		return vault.ParseKeyring(string(b))
	}
	if demoMode {
		path := "purse-demo.key"
		if !isURL(db) {
			path = db + ".key"
		}
		k, err := vault.LoadOrCreateMasterKey(path)
		return vault.SingleKey(k), err
	}
	return vault.Keyring{}, errors.New("a master key is required: set PURSE_MASTER_KEY or --master-key-file (32 bytes, hex or base64; e.g. `openssl rand -hex 32`, or a keyring of \"<version> <key>\" lines), or run with --demo")
}

func isURL(db string) bool {
	return len(db) > 11 && (db[:11] == "postgres://" || (len(db) > 13 && db[:13] == "postgresql://"))
}

// certificateSigner loads the key that signs closure certificates; with --demo and none given, a
// key file is made next to the database.
func (c *ServeCmd) certificateSigner() (*certificate.Signer, error) {
	if c.CertificateKey != "" {
		return certificate.LoadOrCreate(c.CertificateKey, false)
	}
	if c.Demo {
		path := "purse-demo.cert.key"
		if !isURL(c.DB) {
			path = c.DB + ".cert.key"
		}
		return certificate.LoadOrCreate(path, true)
	}
	return nil, nil // app makes a key for this run and says so
}

// parsePrefixes reads CIDRs; a bare address counts as a single-address prefix.
func parsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range list {
		if a, err := netip.ParseAddr(v); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", v, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
