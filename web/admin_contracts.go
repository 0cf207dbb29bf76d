package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
)

// adminTerminateContract ends a merchant's contract before its term (AP-8.9), the decision on the
// merchant's request that the account page lists: reviewers only, as the admin API.
func (h *Handler) adminTerminateContract(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	var err error
	switch {
	case !h.checkCSRF(r):
		err = purse.Errorf(purse.CodeForbidden, "form expired")
	case !o.Role.Includes(purse.RoleReviewer):
		err = purse.Errorf(purse.CodeForbidden, "needs %s", purse.RoleReviewer)
	default:
		_, err = h.Blockers.TerminateContract(r.Context(), blocker.OperatorActor(o), r.PathValue("id"), r.PathValue("item"))
	}
	if purse.ErrorCode(err) == purse.CodeNotFound {
		h.serveError(w, r, err)
		return
	}
	if err != nil {
		v := h.newView(r, "")
		v.Error = h.message(r, err)
		h.showAdminAccount(w, r, o, statusOf(err), v)
		return
	}
	seeOther(w, r, "/admin/accounts/"+r.PathValue("id")+"?saved=contract")
}
