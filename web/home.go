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
	HasBooks bool                  // a balance source is wired in: show the books section, even when empty
	Closing  *purse.ClosureRequest // the request in cooling-off, whose page keeps the account (GE-4)
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
	if a.Status == purse.StatusClosing && h.Closures != nil {
		// A user in cooling-off lands here after signing in: the way back to "keep my account"
		// must be on the first page they see, not only in the e-mail (issue 18). Read through the
		// closure service: the store's OpenClosure locks the row, which PostgreSQL refuses in a
		// read-only transaction, so the link never showed there.
		if c := h.openClosure(r, a.ID); c != nil && c.State == purse.ClosureCoolingOff {
			d.Closing = c
		}
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
