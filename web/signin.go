package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
)

// signInData tells the sign-in page which answer to show.
type signInData struct {
	Next   string
	Closed bool // the login belonged to a closed account: offer to register anew (TP-6, TP-7)
	Locked bool
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) {
	if accountOf(r) != nil {
		seeOther(w, r, localPath(r.URL.Query().Get("next"), "/"))
		return
	}
	v := h.newView(r, "web_signin_title")
	v.Data = &signInData{Next: localPath(r.URL.Query().Get("next"), "")}
	h.render(w, r, http.StatusOK, "signin", v)
}

// signIn checks the login and password. LOGIN_FAILED and LOGIN_LOCKED (with the time the lock
// ends) show on the form; ACCOUNT_CLOSED shows that the account was closed, with a link to
// register anew (TP-6).
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_signin_title")
	data := &signInData{Next: localPath(r.PostFormValue("next"), "")}
	v.Data = data
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "signin", v)
		return
	}
	v.Form = map[string]string{"login": r.PostFormValue("login")}
	s, err := h.Accounts.SignIn(r.Context(), r.PostFormValue("login"), r.PostFormValue("password"))
	if err != nil {
		code := purse.ErrorCode(err)
		data.Closed = code == purse.CodeAccountClosed
		data.Locked = code == purse.CodeLoginLocked
		v.Error = h.message(r, err)
		h.render(w, r, statusOf(err), "signin", v)
		return
	}
	setCookie(w, r, sessionCookie, "/", s.Token, s.ExpiresAt.Sub(h.Clock.Now()))
	seeOther(w, r, localPath(data.Next, "/"))
}

// signOut ends the session and forgets the cookie.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	id := whoOf(r)
	if !h.checkCSRF(r) {
		seeOther(w, r, "/settings")
		return
	}
	if id.session != nil {
		if err := h.Accounts.SignOut(r.Context(), id.session.ID); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	clearCookie(w, r, sessionCookie, "/")
	seeOther(w, r, "/signin")
}
