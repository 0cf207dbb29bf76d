package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/operator"
)

// accountData is one account as support sees it: its state and its audit trail, no personal data
// beyond the masked phone.
type accountData struct {
	Account *account.Shown
	Trail   []*purse.AuditEvent // newest first
	// Closures are the account's closure requests, newest first, linking to their pages.
	Closures []*purse.ClosureRequest
	Now      int64
	// Credit is the account's open credit line, nil for none; CanOpen offers opening one.
	Credit  *creditView
	CanOpen bool
	Saved   string // "credit" after opening a line
	// Contracts are the merchant's contracts in term; a pending early-end request shows with the
	// reviewer's button (AP-8.9).
	Contracts []*purse.Contract
	Reviewer  bool
	// Readiness is what would stop a closure of a live account now, as the user would see it.
	Readiness []blockerView
	Live      bool
	// CanReadRecords offers an admin the records identity of a purged account (issue 15); Records
	// is the identity just read, shown on that answer only.
	CanReadRecords bool
	Records        *lifecycle.Identity
}

// LoginLocked reports whether sign-in is locked now.
func (d *accountData) LoginLocked() bool { return d.Account.LoginLockedUntil.UnixMicro() > d.Now }

// PayLocked reports whether the payment password is locked now.
func (d *accountData) PayLocked() bool { return d.Account.PayLockedUntil.UnixMicro() > d.Now }

// adminAccount shows one account and its audit trail to any operator. The support service reads
// it and audits the view (audit.AdminAccountView) in the same transaction, as for the admin API.
func (h *Handler) adminAccount(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	h.showAdminAccount(w, r, o, http.StatusOK, nil)
}

// showAdminAccount renders the account page, with the refused form's error when v carries one.
func (h *Handler) showAdminAccount(w http.ResponseWriter, r *http.Request, o *purse.Operator, status int, v *view, with ...func(*accountData)) {
	id := r.PathValue("id")
	d := &accountData{}
	if s := r.URL.Query().Get("saved"); r.Method == http.MethodGet && (s == "credit" || s == "contract" || s == "certificate") {
		d.Saved = s
	}
	d.Reviewer = operator.Can(o.Role, operator.ActReview)
	dossier, err := h.Blockers.Dossier(r.Context(), blocker.OperatorActor(o), id)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Account, d.Trail, d.Closures, d.Now = dossier.Account, dossier.Trail, dossier.Closures, dossier.Now.UnixMicro()
	d.CanReadRecords = d.Account.Status == purse.StatusPurged && h.Lifecycle != nil &&
		operator.Can(o.Role, operator.ActRecordsIdentity)
	for _, f := range with {
		f(d)
	}
	if h.Blockers != nil && d.Account.Kind == purse.KindMerchant {
		all, err := h.Blockers.Contracts(r.Context(), d.Account.ID)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		for _, c := range all {
			if c.InTermNow {
				d.Contracts = append(d.Contracts, c)
			}
		}
	}
	if d.Live = d.Account.Status.Live(); d.Live && h.Closures != nil {
		bs, err := h.Closures.Readiness(r.Context(), d.Account.ID)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		blocking, warnings := h.blockerViews(r, nil, d.Account.ID, bs)
		d.Readiness = append(blocking, warnings...)
	}
	if h.Wallet != nil && d.Account.Status.Live() {
		line, debt, err := h.Wallet.CreditLine(r.Context(), d.Account.ID)
		switch {
		case err == nil:
			d.Credit = openCredit(line, debt)
		case purse.ErrorCode(err) == purse.CodeCreditLineMissing:
			d.CanOpen = operator.Can(o.Role, operator.ActGrantValue)
		default:
			h.serveError(w, r, err)
			return
		}
	}
	if v == nil {
		v = h.newView(r, "web_admin_account_title")
	} else {
		v.Title = "web_admin_account_title"
	}
	v.Data = d
	h.withOperatorNames(r.Context(), v)
	h.render(w, r, status, "admin_account", v)
}
