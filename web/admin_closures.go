package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/operator"
)

// adminClosureRoutes registers the console's closure pages: the queue by legal deadline, a
// request with its history and the account's readiness, the reviewer's decisions, restore during
// cooling-off (GE-4), the legal hold, and the 30-day funnel.
func (h *Handler) adminClosureRoutes() {
	h.mux.HandleFunc("GET /admin/closures", h.adminClosures)
	h.mux.HandleFunc("GET /admin/closures/funnel", h.adminFunnel)
	h.mux.HandleFunc("GET /admin/closures/{id}", h.adminClosure)
	h.mux.HandleFunc("POST /admin/closures/{id}/approve", h.adminApprove)
	h.mux.HandleFunc("POST /admin/closures/{id}/reject", h.adminReject)
	h.mux.HandleFunc("POST /admin/closures/{id}/restore", h.adminRestore)
	h.mux.HandleFunc("POST /admin/closures/{id}/hold", h.adminHold)
}

// queueItem is one open request in the queue.
type queueItem struct {
	Request *purse.ClosureRequest
	closure.Urgency
}

// adminClosures is the queue of open requests, earliest legal deadline first, with the days left.
func (h *Handler) adminClosures(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireOperator(w, r); !ok {
		return
	}
	list, err := h.Closures.OpenRequests(r.Context(), 200)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	now := h.Clock.Now()
	items := make([]queueItem, len(list))
	for i, c := range list {
		items[i] = queueItem{Request: c, Urgency: h.Closures.Urgency(c, now)}
	}
	v := h.newView(r, "wa_queue_title")
	v.Data = items
	h.render(w, r, http.StatusOK, "admin_closures", v)
}

// closureAdminData is one request as support sees it.
type closureAdminData struct {
	Flow      *closure.Flow
	Account   *account.Shown
	Readiness []blockerView
	Reviewer  bool
	Saved     string
}

// adminClosure shows a request with its history, the account's readiness (the same blockers the
// user sees) and the actions the operator's role allows.
func (h *Handler) adminClosure(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	h.showAdminClosure(w, r, o, http.StatusOK, "")
}

func (h *Handler) showAdminClosure(w http.ResponseWriter, r *http.Request, o *purse.Operator, status int, msg string) {
	ctx := r.Context()
	// The closure service audits the view (audit.AdminClosureView) as it does for the admin API,
	// also when the page comes back after a refused decision: the operator reads it again.
	f, acct, err := h.Closures.AdminView(ctx, o, r.PathValue("id"))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &closureAdminData{Flow: f, Account: acct, Reviewer: operator.Can(o.Role, operator.ActReview), Saved: r.URL.Query().Get("saved")}
	bs, err := h.Closures.Readiness(ctx, f.Request.AccountID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, b := range bs {
		d.Readiness = append(d.Readiness, blockerView{Code: string(b.Code), Message: h.Catalog.Message(lang(r), string(b.Code), nil),
			API: b.Remedy.API, Warning: b.Warning})
	}
	v := h.newView(r, "wa_closure_title")
	v.Data, v.Error = d, msg
	h.withOperatorNames(r.Context(), v)
	h.render(w, r, status, "admin_closure", v)
}

// decide runs a console action on a request: CSRF, the role it needs, then the deed, which the
// service audits in its own transaction.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request, need operator.Action, saved string, fn func(o *purse.Operator, id string) error) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	var err error
	switch {
	case !h.checkCSRF(r):
		err = purse.Errorf(purse.CodeForbidden, "form expired")
	default:
		err = operator.Require(o.Role, need)
	}
	if err == nil {
		err = fn(o, r.PathValue("id"))
	}
	if err != nil {
		if purse.ErrorCode(err) == purse.CodeNotFound {
			h.serveError(w, r, err)
			return
		}
		msg := h.message(r, err)
		if errors.Is(err, errNoReason) {
			msg = h.Catalog.Message(lang(r), "wa_reason_required", nil)
		}
		h.showAdminClosure(w, r, o, statusOf(err), msg)
		return
	}
	seeOther(w, r, "/admin/closures/"+r.PathValue("id")+"?saved="+saved)
}

func (h *Handler) adminApprove(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, operator.ActReview, "approved", func(o *purse.Operator, id string) error {
		_, err := h.Closures.Approve(r.Context(), o, id)
		if purse.ErrorCode(err) == purse.CodeClosureReviewFailed {
			return nil // failed with its reasons, which the page shows
		}
		return err
	})
}

func (h *Handler) adminReject(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, operator.ActReview, "rejected", func(o *purse.Operator, id string) error {
		reason := strings.TrimSpace(limit(r.PostFormValue("reason"), 500))
		if reason == "" {
			return errNoReason
		}
		_, err := h.Closures.Reject(r.Context(), o, id, reason)
		return err
	})
}

// adminRestore gives the account back during cooling-off (GE-4), after the identity check the
// operator did with the customer: the form asks which check, the reason, and a tick that the
// customer asked for it; all but the tick go to the history and the audit chain.
func (h *Handler) adminRestore(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, operator.ActReview, "restored", func(o *purse.Operator, id string) error {
		if r.PostFormValue("confirm") != "yes" {
			return errNotConfirmed
		}
		_, err := h.Closures.Restore(r.Context(), o, id, closure.Restoration{
			Reason: limit(r.PostFormValue("reason"), 500), IdentityCheck: r.PostFormValue("identity_check")})
		return err
	})
}

// errNotConfirmed refuses a restore whose form was sent without its confirmation tick.
var errNotConfirmed = &purse.Error{Code: purse.CodeInvalidRequest, Detail: "confirmation required",
	Fields: []purse.FieldError{{Field: "confirm", Code: purse.CodeInvalidRequest}}}

// adminHold sets or lifts a legal hold on the request's account (reviewer; reason required).
func (h *Handler) adminHold(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, operator.ActReview, "hold", func(o *purse.Operator, id string) error {
		reason := strings.TrimSpace(limit(r.PostFormValue("reason"), 500))
		if reason == "" {
			return errNoReason
		}
		f, err := h.Closures.AdminGet(r.Context(), id)
		if err != nil {
			return err
		}
		_, err = h.Lifecycle.SetLegalHold(r.Context(), o, f.Request.AccountID, r.PostFormValue("hold") == "on", reason)
		return err
	})
}

// errNoReason refuses a rejection or a legal hold without its reason.
var errNoReason = &purse.Error{Code: purse.CodeInvalidRequest, Detail: "reason required"}

// funnelDays is the funnel's window.
const funnelDays = 30

// adminFunnel shows the last 30 days of closure requests, step by step.
func (h *Handler) adminFunnel(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireOperator(w, r); !ok {
		return
	}
	fn, err := h.Closures.Funnel(r.Context(), funnelDays*24*time.Hour)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	v := h.newView(r, "wa_funnel_title")
	v.Data = fn
	h.render(w, r, http.StatusOK, "admin_funnel", v)
}
