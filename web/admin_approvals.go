package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/operator"
)

// approvalsData is the console's four-eyes queue (issue 13): value actions above the threshold
// that wait for a second operator, and the threshold itself.
type approvalsData struct {
	State     string
	States    []string
	Items     []*purse.Approval
	Threshold string // in yuan
	Self      string // the viewer as an actor: their own requests offer no approval
	CanDecide bool   // operator.ActApprove
	CanSet    bool   // operator.ActSettings
	Held      string // the request the viewer just made
	Saved     string // approved, rejected, threshold, threshold_held
}

// Amount shows a request's amount: points as a count, money in yuan.
func (d *approvalsData) Amount(a *purse.Approval) string {
	if a.Kind == approval.KindPointsGrant {
		return strconv.FormatInt(a.Amount, 10)
	}
	return yuan(a.Amount)
}

// KindKey is the message id naming the request's kind.
func (d *approvalsData) KindKey(a *purse.Approval) string {
	return "wap_kind_" + strings.ReplaceAll(a.Kind, ".", "_")
}

// Mine reports whether the viewer asked for the request.
func (d *approvalsData) Mine(a *purse.Approval) bool { return a.Maker == d.Self }

// adminApprovalRoutes registers the queue page and its forms.
func (h *Handler) adminApprovalRoutes() {
	h.mux.HandleFunc("GET /admin/approvals", h.adminApprovals)
	h.mux.HandleFunc("POST /admin/approvals/threshold", h.adminSetThreshold)
	h.mux.HandleFunc("POST /admin/approvals/{id}/approve", h.adminDecideApproval)
	h.mux.HandleFunc("POST /admin/approvals/{id}/reject", h.adminDecideApproval)
}

// adminApprovals lists the queue (GET /api/v1/admin/approvals) in a state, pending by default.
func (h *Handler) adminApprovals(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	h.showApprovals(w, r, o, http.StatusOK, q.Get("state"), func(v *view, d *approvalsData) {
		d.Held, d.Saved = q.Get("held"), q.Get("saved")
	})
}

func (h *Handler) showApprovals(w http.ResponseWriter, r *http.Request, o *purse.Operator, status int, state string, edit func(*view, *approvalsData)) {
	if h.Approvals == nil {
		h.notFound(w, r)
		return
	}
	d := &approvalsData{State: state, Self: "operator:" + o.ID,
		States:    []string{string(purse.ApprovalPending), string(purse.ApprovalApproved), string(purse.ApprovalRejected), string(purse.ApprovalExpired)},
		CanDecide: operator.Can(o.Role, operator.ActApprove), CanSet: operator.Can(o.Role, operator.ActSettings)}
	if d.State == "" {
		d.State = string(purse.ApprovalPending)
	}
	items, err := h.Approvals.List(r.Context(), d.Self, purse.ApprovalState(d.State), 200)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	above, err := h.Approvals.Threshold(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Items, d.Threshold = items, yuan(above)
	v := h.newView(r, "wap_title")
	v.Data = d
	if edit != nil {
		edit(v, d)
	}
	h.withOperatorNames(r.Context(), v)
	h.render(w, r, status, "admin_approvals", v)
}

// adminDecideApproval approves (the held action runs now, once) or rejects with a reason. The
// service refuses the maker's own approval (APPROVAL_SELF) and a role without value.approve.
func (h *Handler) adminDecideApproval(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "form expired"))
		return
	}
	actor, id := "operator:"+o.ID, r.PathValue("id")
	var err error
	saved := "approved"
	if r.URL.Path == "/admin/approvals/"+id+"/reject" {
		saved = "rejected"
		_, err = h.Approvals.Reject(r.Context(), actor, id, r.PostFormValue("reason"))
	} else {
		_, err = h.Approvals.Approve(r.Context(), actor, id)
	}
	if purse.ErrorCode(err) == purse.CodeNotFound {
		h.serveError(w, r, err)
		return
	}
	if err != nil {
		h.showApprovals(w, r, o, statusOf(err), "", func(v *view, _ *approvalsData) { v.Error = h.message(r, err) })
		return
	}
	seeOther(w, r, "/admin/approvals?saved="+saved)
}

// adminSetThreshold changes the four-eyes threshold, typed in yuan (admins, operator.ActSettings):
// lowering applies at once, raising waits for a second admin.
func (h *Handler) adminSetThreshold(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "form expired"))
		return
	}
	above, ok := parseYuan(r.PostFormValue("above"))
	if !ok {
		h.showApprovals(w, r, o, http.StatusUnprocessableEntity, "", func(v *view, _ *approvalsData) {
			v.Fields = map[string]string{"above": v.T("ww_amount_format")}
			v.Form = map[string]string{"above": r.PostFormValue("above")}
		})
		return
	}
	err := h.Approvals.SetThreshold(r.Context(), "operator:"+o.ID, above)
	if a := approval.HeldOf(err); a != nil {
		seeOther(w, r, "/admin/approvals?saved=threshold_held&held="+url.QueryEscape(a.ID))
		return
	}
	if err != nil {
		h.showApprovals(w, r, o, statusOf(err), "", func(v *view, _ *approvalsData) { v.Error = h.message(r, err) })
		return
	}
	seeOther(w, r, "/admin/approvals?saved=threshold")
}
