package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
)

// homeData is the home page: the account's profile and, once the ledger is wired in, its books.
type homeData struct {
	Account  *purse.Account
	Masked   string
	Books    []Book
	HasBooks bool // a balance source is wired in: show the books section, even when empty
}

// home shows the signed-in account: who it is, its kind and status, and the quick actions.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_home_title")
	d := &homeData{Account: a, Masked: maskPhone(a.Phone)}
	if h.Balances != nil {
		books, err := h.Balances.Books(r.Context(), v.Lang, a.ID)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		d.Books, d.HasBooks = books, true
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "home", v)
}

// maskPhone keeps the first three and last four digits, as support screens show it.
func maskPhone(p string) string {
	if len(p) < 8 {
		return "****"
	}
	masked := []byte(p)
	for i := 3; i < len(p)-4; i++ {
		masked[i] = '*'
	}
	return string(masked)
}
