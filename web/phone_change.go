package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

// The user's own phone change (AP-8.7's business, and AP-9's "rebind"): a code to the new number,
// which proves the user holds it; the old number, when there is one, is told once it is done. A
// wallet whose number was released to its new holder binds another one here.

type phoneData struct {
	Current string // the bound phone, masked; "" when none is bound
	Flow    string // the pending change, once a code was sent
	Target  string // the new phone, masked
	Done    bool
}

func (h *Handler) registerPhoneChange() {
	h.mux.HandleFunc("GET /settings/phone", h.phonePage)
	h.mux.HandleFunc("POST /settings/phone/code", h.phoneCode)
	h.mux.HandleFunc("POST /settings/phone", h.phoneConfirm)
}

func (h *Handler) phoneView(r *http.Request, a *purse.Account) *view {
	v := h.newView(r, "web_phone_title")
	d := &phoneData{Done: r.URL.Query().Get("done") == "1"}
	if a.Phone != "" {
		d.Current = account.MaskPhone(a.Phone)
	}
	if f := r.FormValue("flow"); purse.ValidID(f) {
		d.Flow, d.Target = f, r.FormValue("target")
	}
	v.Data = d
	return v
}

func (h *Handler) phonePage(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "phone_change", h.phoneView(r, a))
}

// phoneCode sends the code to the new number.
func (h *Handler) phoneCode(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v := h.phoneView(r, a)
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "phone_change", v)
		return
	}
	v.Form = map[string]string{"new_phone": r.PostFormValue("new_phone")}
	f, err := h.Business.StartPhoneChange(r.Context(), a.ID, r.PostFormValue("new_phone"))
	if err != nil {
		v.Fields = map[string]string{"new_phone": h.message(r, err)}
		h.render(w, r, statusOf(err), "phone_change", v)
		return
	}
	seeOther(w, r, "/settings/phone?"+url.Values{"flow": {f.ID}, "target": {f.TargetMasked}}.Encode())
}

// phoneConfirm completes the change with the code.
func (h *Handler) phoneConfirm(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v := h.phoneView(r, a)
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "phone_change", v)
		return
	}
	if _, err := h.Business.ConfirmPhoneChange(r.Context(), a.ID, r.PostFormValue("flow"), strings.TrimSpace(r.PostFormValue("code"))); err != nil {
		v.Fields = map[string]string{"code": h.message(r, err)}
		h.render(w, r, statusOf(err), "phone_change", v)
		return
	}
	seeOther(w, r, "/settings/phone?done=1")
}
