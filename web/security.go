package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

// securityData is the security settings page: which form just succeeded, and how many other
// sessions the last "sign out other devices" ended.
type securityData struct {
	Done    string // password, pay or others
	Revoked int
}

// securityField is the field of the security forms an error shows next to; the lock of each
// password shows next to the current one, which is what the user must wait to type again.
var securityField = map[purse.Code]string{
	account.CodePasswordWrong:         "current_password",
	purse.CodeLoginLocked:             "current_password",
	purse.CodePasswordTooShort:        "new_password",
	account.CodePaymentPasswordWrong:  "current_payment_password",
	account.CodePaymentPasswordLocked: "current_payment_password",
	purse.CodePaymentPasswordWeak:     "new_payment_password",
}

func (h *Handler) registerSecurity() {
	h.mux.HandleFunc("GET /settings/security", h.security)
	h.mux.HandleFunc("POST /settings/security/password", h.changePassword)
	h.mux.HandleFunc("POST /settings/security/payment-password", h.changePaymentPassword)
	h.mux.HandleFunc("POST /settings/security/others", h.signOutOthers)
}

// security shows the forms to change both passwords and sign out other devices, with the advice of
// PW-6 and GE-7.
func (h *Handler) security(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	v := h.newView(r, "web_security_title")
	d := &securityData{}
	switch done := r.URL.Query().Get("done"); done {
	case "password", "pay":
		d.Done = done
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "security", v)
}

// securityPost checks the user and the CSRF token of a security form, answering itself when either
// fails; it returns the page's view for showing errors.
func (h *Handler) securityPost(w http.ResponseWriter, r *http.Request) (*purse.Account, *view, bool) {
	a, ok := requireUser(w, r)
	if !ok {
		return nil, nil, false
	}
	v := h.newView(r, "web_security_title")
	v.Data = &securityData{}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "security", v)
		return nil, nil, false
	}
	return a, v, true
}

// securityFailed shows err next to its field, or above the forms when it has none.
func (h *Handler) securityFailed(w http.ResponseWriter, r *http.Request, v *view, err error) {
	msg := h.message(r, err)
	if f, ok := securityField[purse.ErrorCode(err)]; ok {
		v.Fields = map[string]string{f: msg}
	} else {
		v.Error = msg
	}
	h.render(w, r, statusOf(err), "security", v)
}

// changePassword changes the login password; every other device is signed out, this one stays.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("new_password") != r.PostFormValue("new_password2") {
		v.Fields = map[string]string{"new_password2": v.T("web_security_mismatch")}
		h.render(w, r, http.StatusUnprocessableEntity, "security", v)
		return
	}
	err := h.Accounts.ChangePassword(r.Context(), a.ID, whoOf(r).session.ID,
		r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=password")
}

// changePaymentPassword changes the 6-digit payment password.
func (h *Handler) changePaymentPassword(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	err := h.Accounts.ChangePaymentPassword(r.Context(), a.ID,
		r.PostFormValue("current_payment_password"), r.PostFormValue("new_payment_password"))
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=pay")
}

// signOutOthers ends every session of the account but this browser's (GE-7).
func (h *Handler) signOutOthers(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	n, err := h.Accounts.SignOutOthers(r.Context(), a.ID, whoOf(r).session.ID)
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	// The count is shown on the answer itself rather than after a redirect: carried in the URL, it
	// was whatever a crafted link said ("999 other sessions were signed out"). Posting again signs
	// out nothing more and says so.
	v.Data = &securityData{Done: "others", Revoked: n}
	h.render(w, r, http.StatusOK, "security", v)
}
