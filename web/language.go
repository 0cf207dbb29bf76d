package web

import (
	"net/http"
	"time"

	"github.com/purse-wallet/purse/i18n"
)

// language switches the pages' language with the lang cookie, which the API's locale middleware
// honours too, and goes back to the page the switch was on. A signed-in user's choice is also the
// account's language, which its SMS and e-mails are written in. The console posts to
// /admin/language: its CSRF tokens are bound to the console session, which only /admin sees.
func (h *Handler) language(w http.ResponseWriter, r *http.Request) {
	back := localPath(r.PostFormValue("back"), "/")
	if !h.checkCSRF(r) {
		seeOther(w, r, back)
		return
	}
	to := r.PostFormValue("to")
	if to != i18n.English && to != i18n.Chinese {
		to = i18n.Chinese
	}
	// The language is a preference, not a secret; a year is how long a preference should last.
	setCookie(w, r, "lang", "/", to, 365*24*time.Hour)
	if a := accountOf(r); a != nil && a.Language != to {
		if err := h.Accounts.SetLanguage(r.Context(), a.ID, to); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	seeOther(w, r, back)
}
