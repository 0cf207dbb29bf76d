package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

// signInData tells the sign-in page which answer to show.
type signInData struct {
	Next   string
	Closed bool // the login belonged to a closed account: offer to register anew (TP-6, TP-7)
	Locked bool
	// TwoStep is the second step the sign-in waits for (GE-7): its page asks for the code.
	TwoStep *account.Challenge
}

// deviceCookie keeps the remembered device's token (issue 14): a sign-in from this browser needs
// no second step until the holder revokes it on the security page.
const deviceCookie = "purse_device"

// deviceTTL is how long a browser stays remembered.
const deviceTTL = 180 * 24 * time.Hour

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
	var device string
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	s, err := h.Accounts.SignInOn(r.Context(), r.PostFormValue("login"), r.PostFormValue("password"),
		account.DeviceHint{Token: device, Label: browserLabel(r), Remember: true})
	if err != nil {
		code := purse.ErrorCode(err)
		data.Closed = code == purse.CodeAccountClosed
		data.Locked = code == purse.CodeLoginLocked
		v.Error = h.message(r, err)
		h.render(w, r, statusOf(err), "signin", v)
		return
	}
	if s.TwoStep != nil {
		data.TwoStep = s.TwoStep
		v.Form = map[string]string{"method": s.TwoStep.Methods[0]}
		h.render(w, r, http.StatusOK, "signin_two_step", v)
		return
	}
	h.signedIn(w, r, s, data.Next)
}

// signInTwoStep answers the second step with the code from the authenticator app, the SMS or a
// recovery code; the browser is remembered from then on.
func (h *Handler) signInTwoStep(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_signin_title")
	ch := &account.Challenge{Challenge: r.PostFormValue("challenge"), Methods: strings.Split(r.PostFormValue("methods"), ",")}
	data := &signInData{Next: localPath(r.PostFormValue("next"), ""), TwoStep: ch}
	v.Data = data
	v.Form = map[string]string{"method": r.PostFormValue("method")}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "signin_two_step", v)
		return
	}
	s, err := h.Accounts.CompleteSignIn(r.Context(), ch.Challenge, r.PostFormValue("method"), r.PostFormValue("code"), true)
	if err != nil {
		v.Error = h.message(r, err)
		if code := purse.ErrorCode(err); code == purse.CodeOTPExpired || code == purse.CodeLoginLocked {
			data.TwoStep = nil // sign in again
			h.render(w, r, statusOf(err), "signin", v)
			return
		}
		h.render(w, r, statusOf(err), "signin_two_step", v)
		return
	}
	h.signedIn(w, r, s, data.Next)
}

// signedIn keeps the session (and a newly remembered device) in cookies and goes on.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, s *account.SignedIn, next string) {
	setCookie(w, r, sessionCookie, "/", s.Token, s.ExpiresAt.Sub(h.Clock.Now()))
	if s.DeviceToken != "" {
		setCookie(w, r, deviceCookie, "/", s.DeviceToken, deviceTTL)
	}
	seeOther(w, r, localPath(next, "/"))
}

// browserLabel names the browser on the security page by its User-Agent's product, shortened.
func browserLabel(r *http.Request) string {
	ua := r.UserAgent()
	for _, p := range []string{"Edg/", "Chrome/", "Firefox/", "Safari/"} {
		if strings.Contains(ua, p) {
			return strings.TrimSuffix(p, "/") + " (web)"
		}
	}
	return "web"
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
