package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
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
	if a.Status == purse.StatusClosing {
		// A user in cooling-off lands here after signing in: the way back to "keep my account"
		// must be on the first page they see, not only in the e-mail (issue 18).
		_ = h.Store.Read(r.Context(), func(tx purse.Tx) error {
			c, err := tx.OpenClosure(r.Context(), a.ID, closure.Open())
			if err == nil && c.State == purse.ClosureCoolingOff {
				d.Closing = c
			}
			return nil
		})
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
