package web

import "net/http"

// service is the customer service centre: help, self-service, and "Close account" at the bottom
// of the page (TP-2 app entrance: wallet → settings → customer service centre → close account).
func (h *Handler) service(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "service", h.newView(r, "web_service_title"))
}

// selfService is the self-service hall (自助服务): what a user can settle alone, with "Close
// account" at the bottom (TP-2 web entrance, AP-1), and the AP-9 reminder that a taken phone
// number is solved by rebinding, not by closing.
func (h *Handler) selfService(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "self_service", h.newView(r, "web_self_title"))
}

// help answers the questions the seeds raise (PW-6, IM-5..IM-7, AP-9, GE-4..GE-8). It is open
// without signing in: a user who cannot sign in needs it most.
func (h *Handler) help(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "help", h.newView(r, "web_help_title"))
}
