package web

import (
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
)

// accountsData is the account search: the query and what it found.
type accountsData struct {
	Query    string
	Searched bool
	Found    []foundAccount
}

// foundAccount is what an agent sees of an account: no personal data beyond the masked phone.
type foundAccount struct {
	ID          string
	PhoneMasked string
	Status      purse.AccountStatus
	Kind        purse.AccountKind
	Language    string
	CreatedAt   string
	ClosedAt    string
	LegalHold   bool
}

// adminAccounts finds an account by phone, e-mail or id through the support service
// (blocker.Service.Find), which audits every search without the query itself (personal data).
func (h *Handler) adminAccounts(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_admin_accounts_title")
	d := &accountsData{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Data = d
	if d.Query == "" || len(d.Query) > 254 {
		h.render(w, r, http.StatusOK, "admin_accounts", v)
		return
	}
	d.Searched = true
	rec, err := h.Blockers.Find(r.Context(), blocker.OperatorActor(o), d.Query)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if rec != nil {
		f := foundAccount{ID: rec.ID, PhoneMasked: rec.PhoneMasked, Status: rec.Status, Kind: rec.Kind,
			Language: rec.Language, CreatedAt: v.Time(rec.CreatedAt), LegalHold: rec.LegalHold}
		if !rec.ClosedAt.IsZero() {
			f.ClosedAt = v.Time(rec.ClosedAt)
		}
		d.Found = append(d.Found, f)
	}
	h.render(w, r, http.StatusOK, "admin_accounts", v)
}
