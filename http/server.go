// Package http serves purse over HTTP: the JSON API under /api/v1 (described by OpenAPI through
// huma), health and readiness, and the problem+json error model. Handlers parse, call a service and
// render; only problem.go and status.go turn errors into responses.
package http

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/export"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/metrics"
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
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed; none by default,
	// so that the client address is the connection's peer.
	TrustedProxies []netip.Prefix
	// HTTPS says every client comes through TLS (the public base URL is https://): cookies are
	// Secure and HSTS is sent even when no proxy says X-Forwarded-Proto.
	HTTPS bool
	// MetricsToken, when set, opens /metrics on this listener to "Authorization: Bearer <token>".
	// Without it /metrics is not served here: the operator serves it on a separate listen
	// address (purse serve --metrics-addr) or not at all. It counts requests by route and must
	// not be public.
	MetricsToken string
	// BankKey verifies the bank gateway's callbacks (HMAC-SHA256); nil refuses every callback.
	BankKey []byte
}

// Server holds the services the handlers call.
type Server struct {
	Accounts  *account.Service
	Operators *operator.Service
	Blockers  *blocker.Service  // services that can block a closure (AP-8)
	Business  *business.Service // business in progress (AP-8.7)
	Lifecycle *lifecycle.Service
	Exports   *export.Service
	Closures  *closure.Service
	Wallet    *wallet.Service
	Approvals *approval.Service // four eyes on value actions (issue 13)
	Store     purse.Store
	Catalog   *i18n.Catalog
	Clock     purse.Clock
	Config    Config
	// Pages serves the end-user pages and the admin console (the web package); routes the API does
	// not claim fall through to it.
	Pages http.Handler
	// Metrics counts requests and serves /metrics; nil leaves both out.
	Metrics *metrics.Metrics
	// Sealer seals the answers kept for Idempotency-Key retries (the vault); required: without it
	// every keyed request is refused rather than its answer stored in clear.
	Sealer Sealer

	log *slog.Logger
	api huma.API
	// adminRoutes are the admin operations with their permission (admin_permission.go).
	adminRoutes []adminRoute
	mux         *http.ServeMux
	switches    *switches
	handler     http.Handler
	startup     startup
}

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
		"bank-signature": {Type: "apiKey", In: "header", Name: "X-Purse-Signature",
			Description: "The bank's HMAC-SHA256 signature over X-Purse-Timestamp and the body (docs/deployment.md, the bank protocol)."},
	}
	// Relative: the document is served by the server it describes, whatever its address.
	cfg.Servers = []*huma.Server{{URL: "/", Description: "The purse server that serves this document"}}
	s.api = humago.New(s.mux, cfg)
	s.switches = &switches{store: s.Store, ttl: s.Config.SettingsTTL, clock: s.Clock}

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET "+certificate.JWKSPath, s.jwks)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /problems/{slug}", s.problemType)
	s.mux.HandleFunc("/api/", s.noRoute)
	s.registerAccounts()
	s.registerBlockers()
	s.registerBusiness()
	s.registerCertificateInstall()
	s.registerRebind()
	s.registerAdminBlockers()
	s.registerAdminSupport()
	s.registerLegalHold()
	s.registerRecordsIdentity()
	s.registerExports()
	s.registerAdminAudit()
	s.registerDevOutbox()
	s.registerAdminOutbox()
	s.registerAdminJobs()
	if s.Metrics != nil && s.Config.MetricsToken != "" {
		s.mux.Handle("GET /metrics", s.metricsHandler(s.Metrics.Handler()))
	}
	s.registerClosures()
	s.registerAdminClosures()
	s.registerDev()
	s.registerWallet()
	s.registerAdminWallet()
	s.registerAdminApprovals()
	s.registerAdminOperators()
	s.registerBankCallback()
	s.registerSecurity()
	s.registerTwoStep()
	if s.Pages != nil {
		s.mux.Handle("/", s.Pages)
	} else {
		s.mux.HandleFunc("/", s.noRoute)
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
	// No read deadline from huma (its default is 5 s). utf8Body has read the body already, under
	// the server's ReadTimeout, and net/http then watches the idle connection for the client going
	// away; a deadline set now fires on that watch, and net/http cancels the request as if the
	// client had left: every call still running 5 s later failed (a sign-in queued for argon2id
	// under load). -1 clears the deadline instead.
	op.BodyReadTimeout = -1
	h = guardAdmin(s, &op, h)
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if a := approval.HeldOf(err); a != nil {
			return nil, heldAnswer{a}
		}
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return out, nil
	})
}

// bearer marks an operation as needing a session token.
var bearer = []map[string][]string{{"bearer": {}}}

// public marks an operation anyone may call. The document says so with an empty requirement
// instead of saying nothing (an operation without security reads as an oversight, and the
// OpenAPI linter refuses it); TestOpenAPIDocumentIsCommitted holds every operation to one of these.
var public = []map[string][]string{{}}

// publicOrBearer marks an operation anyone may call that does more with a session token.
var publicOrBearer = []map[string][]string{{}, {"bearer": {}}}

// bankSigned marks the bank's callback: signed by the bank (bank/sign.go), not a session.
var bankSigned = []map[string][]string{{"bank-signature": {}}}

// noRoute answers API paths no operation claims: 405 with Allow when the path exists under another
// method, 404 otherwise.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/api/" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeProblem(w, r, purse.Errorf(purse.CodeMethodNotAllowed, "%s not allowed on %s", r.Method, r.URL.Path))
		return
	}
	s.writeProblem(w, r, purse.Errorf(purse.CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}
