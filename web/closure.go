package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
)

// closureData is the closure start page: where the user came from and whether the tick is missing.
type closureData struct {
	Entrance string // "settings" (TP-2 app, PW-1, IM-2) or "self-service" (TP-2 web, AP-1)
}

func entrance(s string) string {
	if s == "self-service" {
		return s
	}
	return "settings"
}

// closure is the wizard's first page: the advice to follow before closing (TP-1, PW-5, IM-3) and
// the agreement with its tick box (TP-3). Both entrances lead here.
func (h *Handler) closure(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	v := h.newView(r, "web_closure_title")
	v.Data = &closureData{Entrance: entrance(r.URL.Query().Get("from"))}
	h.render(w, r, http.StatusOK, "closure", v)
}

// closureAgree takes the ticked agreement (TP-3). The closure engine starts the flow from here once
// it is wired in; until then the page says the service is unavailable, with the time to retry.
func (h *Handler) closureAgree(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	v := h.newView(r, "web_closure_title")
	v.Data = &closureData{Entrance: entrance(r.PostFormValue("from"))}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "closure", v)
		return
	}
	if r.PostFormValue("accept") != "yes" {
		v.Fields = map[string]string{"accept": v.T("web_closure_tick_required")}
		h.render(w, r, http.StatusUnprocessableEntity, "closure", v)
		return
	}
	h.serveError(w, r, purse.Errorf(purse.CodeUnavailable, "closure engine not wired in"))
}
