package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/operator"
)

// adminOpenCredit opens a credit line (AP-8.5) on the account with the limit typed in yuan, as the
// operator API does (POST /api/v1/admin/credit-lines): an agent's action, audited by the wallet.
// The user then draws, repays and closes it on /services/credit.
func (h *Handler) adminOpenCredit(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if h.Wallet == nil {
		h.notFound(w, r)
		return
	}
	v := h.newView(r, "")
	var err error
	switch {
	case !h.checkCSRF(r):
		err = purse.Errorf(purse.CodeForbidden, "form expired")
	case !operator.Can(o.Role, operator.ActGrantValue):
		err = operator.Require(o.Role, operator.ActGrantValue)
	default:
		limit, ok := parseYuan(r.PostFormValue("limit"))
		if !ok || limit <= 0 {
			v.Fields = map[string]string{"limit": v.T("ww_amount_format")}
			v.Form = map[string]string{"limit": r.PostFormValue("limit")}
			h.showAdminAccount(w, r, o, http.StatusUnprocessableEntity, v)
			return
		}
		_, err = h.Wallet.OpenCreditLine(r.Context(), "operator:"+o.ID, r.PathValue("id"), limit)
	}
	if a := approval.HeldOf(err); a != nil { // above the four-eyes threshold: queued, nothing opened
		seeOther(w, r, "/admin/approvals?held="+a.ID)
		return
	}
	if purse.ErrorCode(err) == purse.CodeNotFound {
		h.serveError(w, r, err)
		return
	}
	if err != nil {
		v.Error = h.message(r, err)
		h.showAdminAccount(w, r, o, statusOf(err), v)
		return
	}
	seeOther(w, r, "/admin/accounts/"+r.PathValue("id")+"?saved=credit")
}
