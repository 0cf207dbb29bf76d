package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	purshttp "github.com/purse-wallet/purse/http"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/secret"
)

// Cookies of the pages. The session cookies hold bearer tokens: HttpOnly, SameSite=Lax, Secure
// over TLS. The console cookie is scoped to /admin so that the wallet pages never send it.
const (
	sessionCookie = "purse_session"
	consoleCookie = "purse_console"
	csrfCookie    = "purse_csrf"
)

// who is the reader of a request: the wallet user or the operator, and the CSRF cookie value.
type who struct {
	session  *purse.Session
	account  *purse.Account
	operator *purse.Operator
	console  string // the console token's hash, binding the console's CSRF tokens
	csrf     string
	// unknown is why a session cookie could not be checked (the database did not answer): the
	// reader is neither signed in nor out.
	unknown error
}

type whoKey struct{}

func whoOf(r *http.Request) *who {
	if w, ok := r.Context().Value(whoKey{}).(*who); ok {
		return w
	}
	return &who{}
}

func accountOf(r *http.Request) *purse.Account   { return whoOf(r).account }
func operatorOf(r *http.Request) *purse.Operator { return whoOf(r).operator }

// identify resolves the session cookie of the part of the site the request is for, and makes sure
// the browser holds a CSRF cookie. A cookie whose session ended (signed out, expired, account
// closed) is cleared, and the request goes on unauthenticated.
func (h *Handler) identify(w http.ResponseWriter, r *http.Request) *http.Request {
	return h.identifyAs(w, r, true)
}

// identifyAs resolves the reader; without lookup it only deals with the CSRF cookie, for the
// problem pages that answer when the database may be unreachable.
func (h *Handler) identifyAs(w http.ResponseWriter, r *http.Request, lookup bool) *http.Request {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		return r
	}
	id := &who{}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 64 {
		id.csrf = c.Value
	} else {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		id.csrf = hex.EncodeToString(b)
		setCookie(w, r, csrfCookie, "/", id.csrf, 0)
	}
	ctx := r.Context()
	if !lookup {
		return r.WithContext(context.WithValue(ctx, whoKey{}, id))
	}
	if strings.HasPrefix(r.URL.Path, "/admin") {
		if c, err := r.Cookie(consoleCookie); err == nil && c.Value != "" {
			o, err := h.Operators.Authenticate(ctx, c.Value)
			switch {
			case err == nil:
				id.operator, id.console = o, secret.HashToken(c.Value)
			case purse.ErrorCode(err) == purse.CodeOperatorUnauthenticated:
				clearCookie(w, r, consoleCookie, "/admin")
			case purse.ErrorCode(err) == purse.CodeUnavailable:
				id.unknown = err
			}
		}
	} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		sess, rec, err := h.Accounts.Authenticate(ctx, c.Value)
		var a *purse.Account
		if err == nil {
			a, err = h.Accounts.Get(ctx, rec.ID)
		}
		switch c := purse.ErrorCode(err); {
		case err == nil:
			id.session, id.account = sess, a
		case c == purse.CodeUnauthenticated || c == purse.CodeAccountClosed:
			// Only a session that is really over loses its cookie; a database hiccup does not.
			clearCookie(w, r, sessionCookie, "/")
		case c == purse.CodeUnavailable:
			id.unknown = err
		}
	}
	return r.WithContext(context.WithValue(ctx, whoKey{}, id))
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure over HTTPS (TLS here, behind a trusted
// proxy that says so, or an https:// base URL: purshttp.Secure). A positive ttl becomes
// Max-Age, not Expires: the browser's clock, not the server's, must not decide when a session ends
// early. A zero ttl makes a cookie that ends with the browser session.
func setCookie(w http.ResponseWriter, r *http.Request, name, path, value string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(ttl / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: purshttp.Secure(r)})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: purshttp.Secure(r)})
}

// csrfToken is the token every form carries: an HMAC, under the server's key, of the browser's
// CSRF cookie and the session it is signed in with. Another site can neither read the cookie nor
// compute the HMAC, and a token stops working when the session changes.
func (h *Handler) csrfToken(r *http.Request) string {
	id := whoOf(r)
	binding := id.csrf + "|"
	if strings.HasPrefix(r.URL.Path, "/admin") {
		binding += "console:" + id.console
	} else if id.session != nil {
		binding += "session:" + id.session.ID
	}
	m := hmac.New(sha256.New, h.Key)
	m.Write([]byte(binding))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether the posted form carries the request's CSRF token.
func (h *Handler) checkCSRF(r *http.Request) bool {
	if whoOf(r).csrf == "" {
		return false
	}
	got := r.PostFormValue("csrf")
	return got != "" && hmac.Equal([]byte(got), []byte(h.csrfToken(r)))
}

// requireUser returns the signed-in account, or sends the reader to sign in and come back.
func requireUser(w http.ResponseWriter, r *http.Request) (*purse.Account, bool) {
	if a := accountOf(r); a != nil {
		return a, true
	}
	seeOther(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()))
	return nil, false
}

// requireOperator returns the signed-in operator, or sends the reader to the console's sign-in.
func requireOperator(w http.ResponseWriter, r *http.Request) (*purse.Operator, bool) {
	if o := operatorOf(r); o != nil {
		return o, true
	}
	seeOther(w, r, "/admin/signin")
	return nil, false
}
