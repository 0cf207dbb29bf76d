package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/closure"
)

// remedyItem is one thing a remedy page lists: an auto-debit, a linked account, a dispute…, with
// the form that ends it while it is live.
type remedyItem struct {
	ID     string
	Title  string
	Detail string
	Live   bool
	Since  time.Time
	Action string // the form's action; "" for none (a dispute is resolved by support)
	Button string // a message id
	Reason bool   // the form asks why (a contract's early end, AP-8.9)
	// Pending says what is already asked and waits for support, in words; no form then.
	Pending string
}

// remedyData is a remedy page (AP-3): what it is about, the items, and the way back to the
// closure request the user came from.
type remedyData struct {
	Key     string // the message prefix of the page: wr_<key>_title, wr_<key>_lead
	Items   []remedyItem
	Closure string // the request to go back to, when the user came from one
	API     string // the API route of the action (money remedies, whose pages come with the ledger)
	Saved   bool
}

// remedyRoutes registers the remedy pages the closure's blockers point at (closure.Remedies):
// pages with their end action for the services that exist, and an explanation with the API route
// for the money remedies whose pages the ledger brings.
func (h *Handler) remedyRoutes() {
	h.mux.HandleFunc("GET /services/auto-debits", h.autoDebits)
	h.mux.HandleFunc("POST /services/auto-debits/{id}/cancel", h.cancelAutoDebit)
	h.mux.HandleFunc("GET /settings/linked-accounts", h.linkedAccounts)
	h.mux.HandleFunc("POST /settings/linked-accounts/{id}/unlink", h.unlink)
	h.mux.HandleFunc("GET /help/disputes", h.disputes)
	h.mux.HandleFunc("GET /account/business", h.businessFlows)
	h.mux.HandleFunc("POST /account/business/{id}/cancel", h.cancelBusiness)
	h.mux.HandleFunc("GET /settings/payments", h.payments)
	h.mux.HandleFunc("GET /services/contracts", h.contracts)
	h.mux.HandleFunc("POST /services/contracts/{id}/termination", h.requestTermination)
	h.mux.HandleFunc("GET /wallet/coupons", h.coupons)
	h.registerCertificateInstall()
	h.mux.HandleFunc("GET /account/activate", h.supportRemedy("activate"))
	h.mux.HandleFunc("POST /settings/payments", h.switchOneClick)
	done := []string{"/services/auto-debits", "/settings/linked-accounts", "/help/disputes", "/account/business",
		"/settings/payments", "/help", "/services/contracts", "/wallet/coupons", "/security/certificate", "/account/activate"}
	// The explanation pages answer under their folders ("GET /wallet/"), not at their own
	// paths: the ledger's real pages (GET /wallet/withdraw) are more specific and win when they
	// are registered, with no conflicting pattern.
	var dirs []string
	for _, rem := range closure.Remedies {
		if rem.Page == "" || slices.Contains(done, rem.Page) {
			continue
		}
		if dir := rem.Page[:strings.LastIndexByte(rem.Page, '/')+1]; !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
			h.mux.HandleFunc("GET "+dir, h.remedyInfo)
		}
	}
}

// backTo is the closure request a remedy page returns to, from its ?closure= or the form.
func backTo(r *http.Request) string {
	id := r.FormValue("closure")
	if purse.ValidID(id) {
		return id
	}
	return ""
}

func (h *Handler) showRemedy(w http.ResponseWriter, r *http.Request, d *remedyData, err error) {
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Closure, d.Saved = backTo(r), r.URL.Query().Get("saved") == "1"
	title := "wr_" + d.Key + "_title"
	if d.Key == "info" {
		title = "wr_do_" + d.Items[0].ID
	}
	v := h.newView(r, title)
	v.Data = d
	h.render(w, r, http.StatusOK, "remedy", v)
}

// remedyDone runs an end action after the CSRF check and goes back to the list, keeping the way
// back to the closure request.
func (h *Handler) remedyDone(w http.ResponseWriter, r *http.Request, list string, fn func(accountID string) error) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "form expired"))
		return
	}
	if err := fn(a.ID); err != nil {
		h.serveError(w, r, err)
		return
	}
	to := list + "?saved=1"
	if id := backTo(r); id != "" {
		to += "&closure=" + id
	}
	seeOther(w, r, to)
}

// autoDebits lists the auto-debit agreements with "cancel" (AP-8.4).
func (h *Handler) autoDebits(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Blockers.AutoDebits(r.Context(), a.ID)
	d := &remedyData{Key: "autodebits"}
	for _, x := range list {
		d.Items = append(d.Items, remedyItem{ID: x.ID, Title: x.Merchant, Detail: "wr_autodebit_" + string(x.Kind),
			Live: x.Status == "active", Since: x.CreatedAt, Action: "/services/auto-debits/" + x.ID + "/cancel", Button: "wr_cancel_agreement"})
	}
	h.showRemedy(w, r, d, err)
}

func (h *Handler) cancelAutoDebit(w http.ResponseWriter, r *http.Request) {
	h.remedyDone(w, r, "/services/auto-debits", func(acct string) error {
		_, err := h.Blockers.CancelAutoDebit(r.Context(), blocker.AccountActor(acct), acct, r.PathValue("id"))
		return err
	})
}

// linkedAccounts lists the linked accounts with "unbind" (IM-3).
func (h *Handler) linkedAccounts(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Blockers.Links(r.Context(), a.ID)
	d := &remedyData{Key: "linked"}
	for _, x := range list {
		d.Items = append(d.Items, remedyItem{ID: x.ID, Title: x.Platform, Detail: x.ExternalID, Live: x.Status == "linked",
			Since: x.CreatedAt, Action: "/settings/linked-accounts/" + x.ID + "/unlink", Button: "wr_unlink"})
	}
	h.showRemedy(w, r, d, err)
}

func (h *Handler) unlink(w http.ResponseWriter, r *http.Request) {
	h.remedyDone(w, r, "/settings/linked-accounts", func(acct string) error {
		_, err := h.Blockers.Unlink(r.Context(), acct, r.PathValue("id"))
		return err
	})
}

// disputes shows the account's disputes (AP-8.8): only support resolves them, so the page says
// how to reach it.
func (h *Handler) disputes(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Blockers.Disputes(r.Context(), a.ID)
	d := &remedyData{Key: "disputes"}
	for _, x := range list {
		d.Items = append(d.Items, remedyItem{ID: x.ID, Title: x.Reason, Live: x.Status == "open", Since: x.CreatedAt})
	}
	h.showRemedy(w, r, d, err)
}

// businessFlows lists business in progress (AP-8.7) with "cancel".
func (h *Handler) businessFlows(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Business.List(r.Context(), a.ID)
	d := &remedyData{Key: "business"}
	for _, x := range list {
		d.Items = append(d.Items, remedyItem{ID: x.ID, Title: "wr_business_" + string(x.Kind), Detail: x.TargetMasked,
			Live: x.Status == "pending", Since: x.CreatedAt, Action: "/account/business/" + x.ID + "/cancel", Button: "wr_cancel_business"})
	}
	h.showRemedy(w, r, d, err)
}

func (h *Handler) cancelBusiness(w http.ResponseWriter, r *http.Request) {
	h.remedyDone(w, r, "/account/business", func(acct string) error {
		_, err := h.Business.Cancel(r.Context(), acct, r.PathValue("id"))
		return err
	})
}

// payments shows one-click pay (一点通, TP-1) with its switch.
func (h *Handler) payments(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	on, err := h.Blockers.OneClickPay(r.Context(), a.ID)
	d := &remedyData{Key: "payments", Items: []remedyItem{{ID: "one-click", Title: "wr_oneclick", Live: on,
		Action: "/settings/payments", Button: "wr_switch_off"}}}
	h.showRemedy(w, r, d, err)
}

func (h *Handler) switchOneClick(w http.ResponseWriter, r *http.Request) {
	h.remedyDone(w, r, "/settings/payments", func(acct string) error {
		return h.Blockers.SwitchOffOneClickPay(r.Context(), acct)
	})
}

// remedyInfo explains a remedy whose page comes later (withdraw, redeem, repay…): what to do,
// and the API route that does it now.
func (h *Handler) remedyInfo(w http.ResponseWriter, r *http.Request) {
	var code purse.Code
	for c, rem := range closure.Remedies {
		if rem.Page == r.URL.Path && (code == "" || c < code) {
			code = c // several blockers may share a page: take one, the same every time
		}
	}
	if code == "" {
		h.notFound(w, r)
		return
	}
	if _, ok := requireUser(w, r); !ok {
		return
	}
	h.showRemedy(w, r, &remedyData{Key: "info", API: closure.Remedies[code].API, Items: []remedyItem{{ID: string(code),
		Title: string(code)}}}, nil)
}
