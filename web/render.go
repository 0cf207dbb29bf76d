package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/operator"
)

// page is one page's template set: its layout, the shared partials and the page itself.
type page struct {
	t      *template.Template
	layout string // "layout" for the wallet, "console" for /admin
}

// loadPages parses every templates/*.html page into its own set, so that each page defines its
// own "content" block. Pages named admin_* use the console layout.
func loadPages() (map[string]*page, error) {
	base, err := template.New("").Funcs(template.FuncMap{"dict": dict, "list": list, "hasPrefix": strings.HasPrefix, "join": strings.Join}).ParseFS(files, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layouts: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*page{}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		name := strings.TrimSuffix(path.Base(n), ".html")
		layout := "layout"
		if strings.HasPrefix(name, "admin_") {
			layout = "console"
		}
		pages[name] = &page{t: t, layout: layout}
	}
	return pages, nil
}

// view is what every template gets: the reader's language and identity, the form's CSRF token,
// the page's own data, and T for messages.
type view struct {
	Lang     string
	Title    string // a message id
	Path     string
	CSRF     string
	Account  *purse.Account
	Operator *purse.Operator
	Error    string            // a message for the whole form
	Fields   map[string]string // a message per form field
	Form     map[string]string // values to fill the form with again (never passwords)
	Data     any
	cat      *i18n.Catalog
	names    map[string]string // operators by id, on console pages that name actors
	Support  Support           // the operator's customer-service channels
}

// T returns the message id in the reader's language; args are name, value pairs.
func (v *view) T(id string, args ...any) string {
	var params map[string]any
	if len(args) > 1 {
		params = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			params[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return v.cat.Message(v.Lang, id, params)
}

// Date shows a day in the reader's language.
func (v *view) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if v.Lang == i18n.English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2006年1月2日")
}

// Time shows an instant in the operator's zone and the reader's language.
func (v *view) Time(t time.Time) string { return v.cat.FormatTime(v.Lang, t) }

// Under reports whether the page is prefix or below it, for the navigation's current item.
func (v *view) Under(prefix string) bool {
	return v.Path == prefix || strings.HasPrefix(v.Path, prefix+"/")
}

// Masked is the signed-in account's phone, masked.
func (v *view) Masked() string {
	if v.Account == nil {
		return ""
	}
	return maskPhone(v.Account.Phone)
}

// Can reports whether the signed-in operator's role may do the action of the permission matrix
// (operator.Matrix, issue 13): the console shows only what the role can use. The services refuse
// the rest anyway.
func (v *view) Can(action string) bool {
	return v.Operator != nil && operator.Can(v.Operator.Role, operator.Action(action))
}

// English reports whether the page is in English, for the language switch.
func (v *view) English() bool { return v.Lang == i18n.English }

// newView starts a view for the request.
func (h *Handler) newView(r *http.Request, title string) *view {
	return &view{Lang: lang(r), Title: title, Path: r.URL.Path, CSRF: h.csrfToken(r),
		Account: accountOf(r), Operator: operatorOf(r), cat: h.Catalog, Support: h.Support}
}

// render writes the page with the status. It renders into a buffer first, so that a template
// failure becomes a clean 500 page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	p, ok := h.pages[name]
	if !ok {
		h.Log.ErrorContext(r.Context(), "web: no such page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, p.layout, v); err != nil {
		h.Log.ErrorContext(r.Context(), "web: render", "page", name, "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry personal data: never cached by a browser or a proxy.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message returns the localized message of an error, its parameters formatted for the reader,
// the way the API's problem documents say it.
func (h *Handler) message(r *http.Request, err error) string {
	e := purse.AsError(err)
	if e == nil {
		h.Log.ErrorContext(r.Context(), "web: request failed", "error", err.Error())
		e = &purse.Error{Code: purse.ErrorCode(err)} // UNAVAILABLE when a context ended under it
	}
	params := map[string]any{}
	for k, v := range e.Params {
		params[k] = v
	}
	if e.RetryAfter > 0 {
		params["RetryAfter"] = e.RetryAfter
	}
	return h.Catalog.Message(lang(r), string(e.Code), params)
}

// fieldErrors maps an error's field errors to localized messages by form field.
func (h *Handler) fieldErrors(r *http.Request, err error) map[string]string {
	out := map[string]string{}
	if e := purse.AsError(err); e != nil {
		for _, f := range e.Fields {
			out[f.Field] = h.Catalog.Message(lang(r), string(f.Code), nil)
		}
	}
	return out
}

// lang is the reader's language: the lang cookie set by the switch, else Accept-Language, as the
// API's locale middleware decides it.
func lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == i18n.English || c.Value == i18n.Chinese) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// seeOther redirects after a successful form post, so that reloading does not post again.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath keeps a "next" parameter on purse's own pages: an absolute or protocol-relative URL
// would make the sign-in form an open redirect.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	return next
}

// dict builds a map from name, value pairs, so that a partial template can take several arguments.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m, nil
}

// list builds a slice, for ranging over a fixed set in a template.
func list(items ...string) []string { return items }
