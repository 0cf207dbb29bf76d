package web

import (
	"net/http"
	"strings"

	"github.com/purse-wallet/purse/account"
)

// registerForm shows the registration form. A reader coming from a closed account lands here to
// start anew (TP-7).
func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) {
	if accountOf(r) != nil {
		seeOther(w, r, "/")
		return
	}
	h.render(w, r, http.StatusOK, "register", h.newView(r, "web_register_title"))
}

// register creates the account with the SMS code, signs it in and opens the home page. Errors show next to the
// field they concern, with the form filled in again (passwords excepted).
func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_register_title")
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "register", v)
		return
	}
	v.Form = map[string]string{"phone": r.PostFormValue("phone"), "email": r.PostFormValue("email"),
		"name": r.PostFormValue("name")}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		v.Fields = map[string]string{"password2": v.T("web_register_mismatch")}
		h.render(w, r, http.StatusUnprocessableEntity, "register", v)
		return
	}
	reg := account.Registration{Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"),
		Name: strings.TrimSpace(r.PostFormValue("name")), Password: r.PostFormValue("password"),
		PaymentPassword: r.PostFormValue("payment_password"), Language: v.Lang}
	if len(reg.Name) > 64 {
		reg.Name = reg.Name[:64]
	}
	a, err := h.Accounts.CompleteRegistration(r.Context(), reg, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		h.render(w, r, statusOf(err), "register", v)
		return
	}
	s, err := h.Accounts.SignIn(r.Context(), a.Phone, reg.Password)
	if err != nil || s.TwoStep != nil {
		// The operator requires two-step: the new account signs in through it.
		seeOther(w, r, "/signin")
		return
	}
	h.signedIn(w, r, s, "/")
}

// sendCode starts a registration by SMS code (issue 14) for the phone in the form and shows the
// form again, filled in, to take the code. The page says the same whether the phone is free or
// already has a wallet: only INVALID_PHONE, which says nothing of any account, shows as an error.
func (h *Handler) sendCode(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_register_title")
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "register", v)
		return
	}
	v.Form = map[string]string{"phone": r.PostFormValue("phone"), "email": r.PostFormValue("email"),
		"name": r.PostFormValue("name")}
	if err := h.Accounts.StartRegistration(r.Context(), r.PostFormValue("phone"), v.Lang); err != nil {
		v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		h.render(w, r, statusOf(err), "register", v)
		return
	}
	v.Data = "sent"
	h.render(w, r, http.StatusOK, "register", v)
}

// formExpired answers a post whose CSRF token is missing or stale: the form is shown again with
// a fresh token and a request to send it once more.
func (h *Handler) formExpired(w http.ResponseWriter, r *http.Request, name string, v *view) {
	v.Error = v.T("web_form_expired")
	h.render(w, r, http.StatusForbidden, name, v)
}
