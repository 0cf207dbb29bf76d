// Package web serves purse's end-user pages and its customer-service console (/admin) as
// server-rendered HTML: html/template with embedded templates and static files, htmx as an
// embedded script, no third-party requests, a strict Content-Security-Policy, cookie sessions and
// CSRF tokens on every form. One file per page or action.
//
// static/htmx.min.js is htmx 2.0.11 as published in the npm package htmx.org@2.0.11 (dist/),
// under the Zero-Clause BSD licence kept beside it in static/htmx.LICENSE.txt. The pages set
// htmx's config so that it never evaluates code or injects inline styles, which the
// Content-Security-Policy would refuse.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/export"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/wallet"
)

//go:embed templates static
var files embed.FS

// Switches are the live switches of the API server the console flips (GE-1): *purshttp.Server
// satisfies it. Both calls join a transaction bound to ctx (purse.Store.Bind).
type Switches interface {
	SetMaintenance(ctx context.Context, m *purshttp.Maintenance) error
	SetMinClientVersion(ctx context.Context, v string) error
}

// Book is one balance shown on the home page: the ledger fills these through Balances.
type Book struct {
	Name   string // the book's localized name
	Amount string // formatted with its currency
	Link   string // the book's page, "" for none
}

// Balances reads an account's books for the home page; nil until the ledger is wired in.
type Balances interface {
	Books(ctx context.Context, lang, accountID string) ([]Book, error)
}

// Handler serves the pages.
type Handler struct {
	Accounts  *account.Service
	Operators *operator.Service
	Store     purse.Store
	Catalog   *i18n.Catalog
	Clock     purse.Clock
	Log       *slog.Logger
	Switches  Switches
	Balances  Balances // optional
	// The closure wizard, its remedy pages and the console's closure pages use these; app sets
	// them once the closure engine is built, after New.
	Closures  *closure.Service
	Blockers  *blocker.Service
	Business  *business.Service
	Lifecycle *lifecycle.Service
	// The money pages use these; UseWallet sets them with the home page's books.
	Wallet  *wallet.Service
	Exports *export.Service
	// Approvals is the four-eyes queue (issue 13); app sets it with the wallet.
	Approvals *approval.Service
	// Key signs CSRF tokens; derive it from the master key so that every instance agrees.
	Key []byte
	// Sealer seals the money forms' stored answers (the vault), as the API's: see purshttp.Once.
	Sealer purshttp.Sealer
	// Support are the operator's customer-service channels, shown wherever support must help.
	Support Support

	mux   *http.ServeMux
	pages map[string]*page
}

// New loads the templates and registers the routes. It fails when a template does not parse.
func New(h *Handler) (*Handler, error) {
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	h.pages = pages
	h.mux = http.NewServeMux()
	static, _ := fs.Sub(files, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles(static)))

	h.mux.HandleFunc("GET /{$}", h.home)
	h.mux.HandleFunc("GET /register", h.registerForm)
	h.mux.HandleFunc("POST /register", h.register)
	h.mux.HandleFunc("POST /register/code", h.sendCode)
	h.mux.HandleFunc("POST /signin/two-step", h.signInTwoStep)
	h.mux.HandleFunc("GET /signin", h.signInForm)
	h.mux.HandleFunc("POST /signin", h.signIn)
	h.mux.HandleFunc("POST /signout", h.signOut)
	h.mux.HandleFunc("POST /language", h.language)
	h.mux.HandleFunc("POST /admin/language", h.language) // the console's forms are bound to its own session
	h.mux.HandleFunc("GET /settings", h.settings)
	h.registerSecurity()
	h.registerRebind()
	h.registerPhoneChange()
	h.mux.HandleFunc("GET /service", h.service)
	h.mux.HandleFunc("GET /service/self", h.selfService)
	h.mux.HandleFunc("GET /help", h.help)
	h.mux.HandleFunc("GET /closure", h.closure)
	h.mux.HandleFunc("POST /closure", h.closureAgree)
	h.mux.HandleFunc("GET /problems/{slug}", h.problemPage)
	h.closureRoutes()
	h.documentsRoutes()
	h.remedyRoutes()
	h.walletRoutes()
	h.adminClosureRoutes()
	h.adminAuditRoutes()
	h.adminApprovalRoutes()
	h.adminOperatorRoutes()

	h.mux.HandleFunc("GET /admin", h.adminDashboard)
	h.mux.HandleFunc("GET /admin/signin", h.adminSignInForm)
	h.mux.HandleFunc("POST /admin/signin", h.adminSignIn)
	h.mux.HandleFunc("POST /admin/signout", h.adminSignOut)
	h.mux.HandleFunc("GET /admin/accounts", h.adminAccounts)
	h.mux.HandleFunc("GET /admin/accounts/{id}", h.adminAccount)
	h.mux.HandleFunc("POST /admin/accounts/{id}/credit-line", h.adminOpenCredit)
	h.mux.HandleFunc("POST /admin/accounts/{id}/contracts/{item}/terminate", h.adminTerminateContract)
	h.mux.HandleFunc("POST /admin/accounts/{id}/certificate/lift", h.adminLiftCertificate)
	h.mux.HandleFunc("POST /admin/accounts/{id}/records-identity", h.adminRecordsIdentity)
	h.mux.HandleFunc("GET /admin/maintenance", h.adminMaintenance)
	h.adminAppealRoutes()
	h.mux.HandleFunc("POST /admin/maintenance", h.adminSetMaintenance)

	h.mux.HandleFunc("/", h.notFound)
	return h, nil
}

// ServeHTTP serves a page with the security headers every page carries.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w, r)
	r = h.identify(w, r)
	if err := whoOf(r).unknown; err != nil {
		// The reader has a session cookie the database could not check: the outage page (503,
		// Retry-After), not the page as a signed-out reader would get it (a sign-in form).
		h.serveError(w, r, err)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// csp allows nothing but purse's own origin: no inline scripts or styles, no frames, forms post
// only to purse.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'none'; object-src 'none'"

func secure(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if r.TLS != nil {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// staticFiles serves the embedded files with a day of caching: they change only with the binary.
func staticFiles(fsys fs.FS) http.Handler {
	fileServer := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
}
