package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/business"
)

// AP-9 on the web: releasing a recycled phone number (/phone-release, signed out or in), the older
// holder's objection (security page), and the real-name appeal (/help/real-name).

// releaseCookie keeps the requester's status token, so that the status page needs no token in
// its address (addresses end up in logs and histories).
const releaseCookie = "purse_release"

// releaseData is the release page: which step it is at.
type releaseData struct {
	Step   string // "" (ask for the code), "sent" (enter it), "status"
	Status *business.ReleaseView
	Wait   int // the waiting period in days
}

func (h *Handler) registerRebind() {
	h.mux.HandleFunc("GET /phone-release", h.releasePage)
	h.mux.HandleFunc("POST /phone-release/code", h.releaseCode)
	h.mux.HandleFunc("POST /phone-release", h.releaseConfirm)
	h.mux.HandleFunc("POST /settings/security/phone-release/{id}/object", h.releaseObject)
	h.mux.HandleFunc("GET /help/real-name", h.appealPage)
	h.mux.HandleFunc("POST /help/real-name", h.appealFile)
}

func (h *Handler) releaseView(r *http.Request) *view {
	v := h.newView(r, "web_release_title")
	v.Data = &releaseData{Wait: int(business.ReleaseWait / (24 * time.Hour))}
	return v
}

// releasePage asks for the phone, or shows where the browser's release stands.
func (h *Handler) releasePage(w http.ResponseWriter, r *http.Request) {
	v := h.releaseView(r)
	if c, err := r.Cookie(releaseCookie); err == nil && r.URL.Query().Get("new") == "" {
		if st, err := h.Business.ReleaseStatus(r.Context(), c.Value); err == nil {
			d := v.Data.(*releaseData)
			d.Step, d.Status = "status", st
		}
	}
	h.render(w, r, http.StatusOK, "phone_release", v)
}

// releaseCode sends the SMS: a code to a bound number, a note to a free one. The page says the same
// either way (issue 14).
func (h *Handler) releaseCode(w http.ResponseWriter, r *http.Request) {
	v := h.releaseView(r)
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "phone_release", v)
		return
	}
	v.Form = map[string]string{"phone": r.PostFormValue("phone")}
	if err := h.Business.StartPhoneRelease(r.Context(), r.PostFormValue("phone"), v.Lang); err != nil {
		v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		h.render(w, r, statusOf(err), "phone_release", v)
		return
	}
	v.Data.(*releaseData).Step = "sent"
	h.render(w, r, http.StatusOK, "phone_release", v)
}

// releaseConfirm takes the code: the waiting period starts and the page shows its end.
func (h *Handler) releaseConfirm(w http.ResponseWriter, r *http.Request) {
	v := h.releaseView(r)
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "phone_release", v)
		return
	}
	v.Form = map[string]string{"phone": r.PostFormValue("phone")}
	st, err := h.Business.ConfirmPhoneRelease(r.Context(), r.PostFormValue("phone"), strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		v.Data.(*releaseData).Step = "sent"
		v.Fields = map[string]string{"code": h.message(r, err)}
		if purse.ErrorCode(err) != purse.CodeOTPInvalid {
			v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		}
		h.render(w, r, statusOf(err), "phone_release", v)
		return
	}
	setCookie(w, r, releaseCookie, "/phone-release", st.Token, business.ReleaseWait+30*24*time.Hour)
	seeOther(w, r, "/phone-release")
}

// releaseObject is the older holder's "this number is still mine" on the security page.
func (h *Handler) releaseObject(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if err := h.Business.ObjectRelease(r.Context(), a.ID, r.PathValue("id")); err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=objected")
}

// appealData is the real-name appeal page: the user's appeals and whether one waits.
type appealData struct {
	Appeals []*purse.RebindAppeal
	Pending bool
	Filed   bool
}

func (h *Handler) appealView(r *http.Request, a *purse.Account) (*view, error) {
	list, err := h.Business.Appeals(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	v := h.newView(r, "web_appeal_title")
	d := &appealData{Appeals: list, Filed: r.URL.Query().Get("filed") == "1"}
	for _, x := range list {
		d.Pending = d.Pending || x.Status == business.AppealPending
	}
	v.Data = d
	return v, nil
}

// appealPage explains the real-name appeal, takes one, and lists the user's appeals with support's
// decisions.
func (h *Handler) appealPage(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v, err := h.appealView(r, a)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "appeal", v)
}

func (h *Handler) appealFile(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v, err := h.appealView(r, a)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "appeal", v)
		return
	}
	if _, err := h.Business.FileAppeal(r.Context(), a.ID, limit(r.PostFormValue("reason"), 500)); err != nil {
		v.Form = map[string]string{"reason": r.PostFormValue("reason")}
		v.Error, v.Fields = h.message(r, err), h.fieldErrors(r, err)
		h.render(w, r, statusOf(err), "appeal", v)
		return
	}
	seeOther(w, r, "/help/real-name?filed=1")
}
