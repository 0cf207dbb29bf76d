package web

import (
	"net/http"
	"net/url"

	"github.com/purse-wallet/purse"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// confirmData is the page the e-mail link opens (IM-2).
type confirmData struct {
	Token string
	Flow  *flowView // after confirming, for a reader who is not signed in
}

// closureConfirmPage is what the e-mail link opens. It does not use the token by itself: mail
// scanners and link previews open links too, and a single-use link spent by them would fail the
// user. The page asks for one press, which posts the token and completes the step.
func (h *Handler) closureConfirmPage(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_closure_confirm_title")
	v.Data = &confirmData{Token: limit(r.URL.Query().Get("token"), 100)}
	h.render(w, r, http.StatusOK, "closure_confirm", v)
}

// closureConfirm completes the e-mail confirmation (IM-2); with submit_on_link the review runs at
// once. The link is the proof, so no session is needed: a signed-in owner goes on to the
// request's page, anyone else sees the outcome here.
func (h *Handler) closureConfirm(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r, "web_closure_confirm_title")
	d := &confirmData{Token: limit(r.PostFormValue("token"), 100)}
	v.Data = d
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "closure_confirm", v)
		return
	}
	f, err := h.Closures.ConfirmLink(r.Context(), d.Token)
	if purse.ErrorCode(err) == purse.CodeClosureReviewFailed {
		err = nil // the request failed with its reasons, which its page shows (AP-7)
	}
	if err != nil {
		v.Error = h.message(r, err)
		h.render(w, r, statusOf(err), "closure_confirm", v)
		return
	}
	if f != nil && f.Request.State == purse.ClosureClosed {
		if a := accountOf(r); a != nil && a.ID == f.Request.AccountID {
			h.showClosed(w, r, f)
			return
		}
	}
	if a := accountOf(r); a != nil && f != nil && a.ID == f.Request.AccountID {
		seeOther(w, r, "/closure/"+f.Request.ID)
		return
	}
	if a := accountOf(r); a != nil && f == nil {
		if list, _ := h.Closures.List(r.Context(), a.ID, 1); len(list) > 0 {
			seeOther(w, r, "/closure/"+list[0].ID)
			return
		}
	}
	if f == nil {
		v.Error = h.message(r, purse.Errorf(purse.CodeClosureReviewFailed, "review failed"))
		h.render(w, r, http.StatusConflict, "closure_confirm", v)
		return
	}
	d.Flow = h.flowView(r, f)
	h.render(w, r, http.StatusOK, "closure_confirm", v)
}
