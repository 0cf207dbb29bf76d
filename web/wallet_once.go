package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/purse-wallet/purse"
	purshttp "github.com/purse-wallet/purse/http"
)

// The one-time form token. Every money form carries a fresh one, and its post is run through the
// API's idempotency machinery (purshttp.Once) with the token as the key: a double click, or the
// browser sending the form again, finds the first post's stored answer and shows that result
// instead of moving the money a second time.
const formTokenField = "form_token"

// untokened are the forms posted without a form token: unbinding a card moves no money, and a
// second unbind of the same card only finds it gone.
var untokened = map[string]bool{"unbind": true}

// newFormToken is 128 random bits, as hex.
func newFormToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// formToken returns the posted token, or "" when it is missing or not one of ours in shape.
func formToken(r *http.Request) string {
	t := r.PostFormValue(formTokenField)
	if len(t) != 32 {
		return ""
	}
	for _, c := range t {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return ""
		}
	}
	return t
}

// once runs a money form's post at most once per form token, in the account's own scope so
// that no other account's token can replay its answer. The request is identified by its path and
// every posted field: the same token sent with another amount (a page kept open after its form
// was sent, then edited) is refused with the page shown afresh, holding new tokens.
func (h *Handler) once(w http.ResponseWriter, r *http.Request, a *purse.Account, build moneyPage, run http.HandlerFunc) {
	o := purshttp.Once{Store: h.Store, Seal: h.Sealer, Log: h.Log, Fail: func(w http.ResponseWriter, r *http.Request, err error) {
		if purse.ErrorCode(err) != purse.CodeIdempotencyKeyReused {
			h.serveError(w, r, err)
			return
		}
		v := h.newView(r, "")
		v.Error = v.T("ww_form_used")
		h.showMoney(w, r, build, v, http.StatusConflict)
	}}
	o.Serve(w, r, "web:"+a.ID, "form:"+formToken(r), []byte(r.PostForm.Encode()), true, run)
}

// withTokens gives each form of the page a fresh token.
func withTokens(d *moneyData) {
	for i := range d.Forms {
		d.Forms[i].Token = newFormToken()
	}
}
