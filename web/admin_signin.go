package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
)

func (h *Handler) adminSignInForm(w http.ResponseWriter, r *http.Request) {
	if operatorOf(r) != nil {
		seeOther(w, r, "/admin")
		return
	}
	h.render(w, r, http.StatusOK, "admin_signin", h.newView(r, "web_admin_signin_title"))
}

// adminSignIn signs an operator in with username and password; the console session is a
// short-lived operator token in a cookie scoped to /admin. OPERATOR_UNAUTHENTICATED and
// RATE_LIMITED show on the form.
func (h *Handler) adminSignIn(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_admin_signin_title")
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "admin_signin", v)
		return
	}
	v.Form = map[string]string{"username": r.PostFormValue("username")}
	s, err := h.Operators.SignIn(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"))
	if err != nil {
		if purse.ErrorCode(err) == purse.CodeOperatorUnauthenticated {
			v.Error = v.T("web_admin_signin_failed")
		} else {
			v.Error = h.message(r, err)
		}
		h.render(w, r, statusOf(err), "admin_signin", v)
		return
	}
	setCookie(w, r, consoleCookie, "/admin", s.Token, s.ExpiresAt.Sub(h.Clock.Now()))
	seeOther(w, r, "/admin")
}

// adminSignOut revokes the console session.
func (h *Handler) adminSignOut(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		seeOther(w, r, "/admin")
		return
	}
	if c, err := r.Cookie(consoleCookie); err == nil {
		if err := h.Operators.SignOut(r.Context(), o, c.Value); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	clearCookie(w, r, consoleCookie, "/admin")
	seeOther(w, r, "/admin/signin")
}
