package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/operator"
)

// accountDecision runs an operator's decision on an account from its console page: the CSRF
// check, the role, then fn; on success back to the page with the saved note, on a refusal the
// page again with the message. Not found is the not-found page.
func (h *Handler) accountDecision(w http.ResponseWriter, r *http.Request, need operator.Action, saved string, fn func(o *purse.Operator) error) {
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
		err = fn(o)
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
	seeOther(w, r, "/admin/accounts/"+r.PathValue("id")+"?saved="+saved)
}

// adminTerminateContract ends a merchant's contract before its term (AP-8.9), the decision on the
// merchant's request that the account page lists: reviewers only, as the admin API.
func (h *Handler) adminTerminateContract(w http.ResponseWriter, r *http.Request) {
	h.accountDecision(w, r, operator.ActReview, "contract", func(o *purse.Operator) error {
		_, err := h.Blockers.TerminateContract(r.Context(), blocker.OperatorActor(o), r.PathValue("id"), r.PathValue("item"))
		return err
	})
}

// adminLiftCertificate ends a certificate user's certificate requirement (AP-2's remedy when the
// device with the certificate is lost): reviewers only, with the reason and how the identity was
// checked, audited as admin.certificate.lift.
func (h *Handler) adminLiftCertificate(w http.ResponseWriter, r *http.Request) {
	h.accountDecision(w, r, operator.ActReview, "certificate", func(o *purse.Operator) error {
		return h.Blockers.LiftCertificate(r.Context(), blocker.OperatorActor(o), r.PathValue("id"), limit(r.PostFormValue("reason"), 500))
	})
}

// adminRecordsIdentity shows an admin the identity the AML records keep of a purged account, for
// an inquiry the law allows (issue 15): the reason is required and audited with the read, in the
// service's transaction (lifecycle.ReadRecordsIdentity, as the admin API). The identity is shown on
// this answer only, never carried in a URL.
func (h *Handler) adminRecordsIdentity(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "")
	if !h.checkCSRF(r) {
		v.Error = h.message(r, purse.Errorf(purse.CodeForbidden, "form expired"))
		h.showAdminAccount(w, r, o, http.StatusForbidden, v)
		return
	}
	id, err := h.Lifecycle.ReadRecordsIdentity(r.Context(), r.PathValue("id"), blocker.OperatorActor(o),
		limit(r.PostFormValue("reason"), 500))
	if err != nil {
		v.Error = h.message(r, err)
		h.showAdminAccount(w, r, o, statusOf(err), v)
		return
	}
	h.showAdminAccount(w, r, o, http.StatusOK, v, func(d *accountData) { d.Records = &id })
}
