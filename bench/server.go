// Package bench measures purse on this machine: it starts a real purse HTTP server in-process on a
// fresh store (a SQLite file in a temporary directory, or a schema of its own on a PostgreSQL
// server), drives it from a load generator on the loopback interface, and reports eligibility
// checks, complete closure flows, the argon2id bound and the purge rate (docs/BENCHMARKS.md).
// Every measurement is bounded in requests and time and stops by itself.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/closure"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/logs"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/wallet"
)

// PolicyName is the closure policy the suite runs: tenpay needs a payment password and an SMS
// code, closes at once (no cooling-off, no withdrawal window), so a flow ends at submit.
const PolicyName = "tenpay"

// Server is a running purse on a fresh store, listening on 127.0.0.1.
type Server struct {
	App   *app.App
	Store *sqlstore.DB
	URL   string // http://127.0.0.1:port
	Kind  string // "sqlite" or "postgres"

	http    *http.Server
	cleanup []func()
	hashMu  sync.Mutex
	payHash string
	dbCPU   cpuMeter // the local PostgreSQL server's CPU; nil on SQLite or a remote server

	dsn       string           // the store's, for Another
	retention lifecycle.Policy // the app's, for Another
	deadline  time.Duration    // the app's StoreDeadline (0: the default), for Another
}

// Start opens a fresh store (db "" or a path: SQLite in a temporary directory; a postgres:// URL:
// a new schema on that server, dropped at Close), builds the app with production argon2id
// parameters and the tenpay policy, and serves it on a loopback port.
func Start(ctx context.Context, db string, retention lifecycle.Policy) (*Server, error) {
	return start(ctx, db, retention, 0)
}

// start is Start with the app's StoreDeadline: RunOps lengthens it for a PostgreSQL server run
// under valgrind, whose new connections take longer than a request may.
func start(ctx context.Context, db string, retention lifecycle.Policy, deadline time.Duration) (*Server, error) {
	s := &Server{Kind: "sqlite", deadline: deadline}
	clk := purse.SystemClock{}
	dsn := db
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		s.Kind = "postgres"
		u, drop, err := freshSchema(ctx, db)
		if err != nil {
			return nil, err
		}
		s.cleanup = append(s.cleanup, drop)
		dsn = u
	} else {
		dir, err := os.MkdirTemp("", "purse-bench-")
		if err != nil {
			return nil, err
		}
		s.cleanup = append(s.cleanup, func() { os.RemoveAll(dir) })
		dsn = filepath.Join(dir, "purse.db")
	}
	store, err := app.OpenStore(ctx, dsn, clk)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("bench: open store: %w", err)
	}
	s.Store = store
	s.cleanup = append(s.cleanup, func() { store.Close() })
	if s.Kind == "postgres" {
		if m, ok := postgresCPU(ctx, store.SQL()); ok {
			s.dbCPU = m
		}
	}
	s.dsn, s.retention = dsn, retention
	if s.App, s.URL, s.http, err = serve(ctx, store, retention, deadline); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// serve builds the app on store with production argon2id parameters and the tenpay policy, as
// purse serve runs it (group commit included), and serves it on a loopback port.
func serve(ctx context.Context, store *sqlstore.DB, retention lifecycle.Policy, deadline time.Duration) (*app.App, string, *http.Server, error) {
	policy, err := closure.Load(PolicyName)
	if err != nil {
		return nil, "", nil, err
	}
	// Errors only: a request log line per call would measure the logger. The switches' cache
	// lives as long as purse serve's (cmd/purse/serve.go).
	log := logs.New("text", os.Stderr, slog.LevelError)
	// Group commit as purse serve runs it by default (--group-commit).
	a, err := app.New(ctx, store, app.Config{MasterKey: bytes.Repeat([]byte{0x5a}, 32), Clock: purse.SystemClock{}, Log: log,
		HTTP: purshttp.Config{Version: "bench", SettingsTTL: 2 * time.Second}, Policy: policy, Retention: retention,
		Wallet: wallet.Config{GroupCommit: ServeGroupCommit}, Gateway: bank.Sandbox{}, DevOutbox: true, StoreDeadline: deadline})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	h := &http.Server{Handler: a.HTTP, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := h.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("bench server", "error", err.Error())
		}
	}()
	return a, "http://" + ln.Addr().String(), h, nil
}

// Another starts a second purse instance on the same store (PostgreSQL: a pool of its own on
// the same schema, as a second `purse serve` would have), closed with the server, and returns
// its URL. Its commit groups, caches and connections are its own.
func (s *Server) Another(ctx context.Context) (string, error) {
	if s.Kind != "postgres" {
		return "", errors.New("bench: a second instance needs PostgreSQL (SQLite has one writer)")
	}
	store, err := app.OpenStore(ctx, s.dsn, purse.SystemClock{})
	if err != nil {
		return "", fmt.Errorf("bench: open store: %w", err)
	}
	_, url, h, err := serve(ctx, store, s.retention, s.deadline)
	if err != nil {
		store.Close()
		return "", err
	}
	s.cleanup = append(s.cleanup, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		h.Shutdown(ctx)
		cancel()
		store.Close()
	})
	return url, nil
}

// Close stops the server and removes the store.
func (s *Server) Close() {
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.http.Shutdown(ctx)
		cancel()
	}
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
	s.cleanup = nil
}

// ServeGroupCommit is purse serve's default --group-commit, which the bench's server runs with.
const ServeGroupCommit = 256
