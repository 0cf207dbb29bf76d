// Package http serves purse over HTTP: the JSON API under /api/v1 (described by OpenAPI through
// huma), health and readiness, and the problem+json error model. Handlers parse, call a service and
// render; only problem.go and status.go turn errors into responses.
package http

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/wallet"
)

// MaxBody is the largest request body the API reads (issue 2: 64 KiB).
const MaxBody = 64 << 10

// Config is what the operator sets at start.
type Config struct {
	Version          string
	MinClientVersion string // "" accepts every client
	Maintenance      string // a notice; "" means not in maintenance
	Demo             bool   // enables the dev endpoints
	// SettingsTTL is how long a live switch (maintenance, minimum version) is cached per instance.
	SettingsTTL time.Duration
}

// Server holds the services the handlers call.
type Server struct {
	Accounts  *account.Service
	Operators *operator.Service
	Wallet    *wallet.Service
	Store     purse.Store
	Catalog   *i18n.Catalog
	Clock     purse.Clock
	Config    Config
	// Pages serves the end-user pages and the admin console (the web package); routes the API does
	// not claim fall through to it.
	Pages http.Handler

	log      *slog.Logger
	api      huma.API
	mux      *http.ServeMux
	switches *switches
	handler  http.Handler
}

type (
	serverKey struct{}
	langKey   struct{}
)

var hookOnce sync.Once

// New builds the server and registers every route.
func New(s *Server, log *slog.Logger) *Server {
	hookOnce.Do(hookHumaErrors)
	s.log = log
	s.mux = http.NewServeMux()
	cfg := huma.DefaultConfig("purse", s.Config.Version)
	cfg.Info.Description = "purse: a self-hosted digital wallet with a safe, compliant, self-service account closure."
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = "" // the docs page loads scripts from a CDN; purse makes no third-party requests
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema member or Link header in responses
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":   {Type: "http", Scheme: "bearer", Description: "A session token from POST /api/v1/sessions."},
		"operator": {Type: "http", Scheme: "bearer", Description: "An operator token from `purse admin create-operator`."},
	}
	s.api = humago.New(s.mux, cfg)
	s.switches = &switches{store: s.Store, ttl: s.Config.SettingsTTL, clock: s.Clock}

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, purse.Errorf(purse.CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
	})
	s.registerAccounts()
	s.registerWallet()
	s.registerAdminWallet()
	if s.Pages != nil {
		s.mux.Handle("/", s.Pages)
	}

	s.handler = s.chain(s.mux)
	return s
}

// ServeHTTP serves every route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OpenAPI returns the API description.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

// register adds an API operation whose errors become problems. Every operation reads at most
// MaxBody bytes.
func register[I, O any](s *Server, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	op.MaxBodyBytes = MaxBody
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return out, nil
	})
}

// bearer marks an operation as needing a session token.
var bearer = []map[string][]string{{"bearer": {}}}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.writeProblem(w, r, &purse.Error{Code: purse.CodeUnavailable, Detail: "store unreachable", Err: err})
		return
	}
	if pending, err := s.Store.Pending(ctx); err != nil || pending {
		s.writeProblem(w, r, &purse.Error{Code: purse.CodeUnavailable, Detail: "migrations pending", Err: err})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ready","store":"` + s.Store.Dialect() + `"}` + "\n"))
}
