package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/operator"
)

// appealsData is the console's queue of real-name appeals (AP-9).
type appealsData struct {
	Appeals  []*purse.RebindAppeal
	Reviewer bool // may decide (operator.ActReview); an agent reads only
	Decided  string
}

func (h *Handler) adminAppealRoutes() {
	h.mux.HandleFunc("GET /admin/appeals", h.adminAppeals)
	h.mux.HandleFunc("POST /admin/appeals/{id}/decision", h.adminDecideAppeal)
}

func (h *Handler) appealsView(r *http.Request, o *purse.Operator) (*view, error) {
	list, err := h.Business.PendingAppeals(r.Context(), 200)
	if err != nil {
		return nil, err
	}
	v := h.newView(r, "wap_title")
	d := &appealsData{Appeals: list, Reviewer: operator.Can(o.Role, operator.ActReview)}
	if s := r.URL.Query().Get("decided"); s == "approved" || s == "rejected" {
		d.Decided = s
	}
	v.Data = d
	return v, nil
}

// adminAppeals lists the appeals waiting for a decision, oldest first, for any operator.
func (h *Handler) adminAppeals(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v, err := h.appealsView(r, o)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_appeals", v)
}

// adminDecideAppeal approves or rejects an appeal with a reason (reviewers).
func (h *Handler) adminDecideAppeal(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v, err := h.appealsView(r, o)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "admin_appeals", v)
		return
	}
	if !operator.Can(o.Role, operator.ActReview) {
		h.serveError(w, r, &purse.Error{Code: purse.CodeRoleRequired, Params: map[string]any{"Role": string(purse.RoleReviewer)}})
		return
	}
	approve := r.PostFormValue("decision") == "approve"
	a, err := h.Business.DecideAppeal(r.Context(), blocker.OperatorActor(o), r.PathValue("id"), approve, limit(r.PostFormValue("reason"), 500))
	if err != nil {
		v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		h.render(w, r, statusOf(err), "admin_appeals", v)
		return
	}
	seeOther(w, r, "/admin/appeals?decided="+a.Status)
}
