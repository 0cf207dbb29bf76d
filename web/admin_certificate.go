package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
)

// adminLiftCertificate ends a certificate user's certificate requirement (AP-2's remedy when the
// device with the certificate is lost): reviewers only, with the reason and how the identity was
// checked, audited as admin.certificate.lift.
func (h *Handler) adminLiftCertificate(w http.ResponseWriter, r *http.Request) {
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
		err = h.Blockers.LiftCertificate(r.Context(), blocker.OperatorActor(o), r.PathValue("id"), limit(r.PostFormValue("reason"), 500))
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
	seeOther(w, r, "/admin/accounts/"+r.PathValue("id")+"?saved=certificate")
}
