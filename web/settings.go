package web

import "net/http"

// settings is the security settings page: language, the account's credentials, sign-out, and at
// its bottom the customer service centre, the first step of the app entrance to closure (TP-2,
// PW-1, IM-2).
func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireUser(w, r); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "settings", h.newView(r, "web_settings_title"))
}
