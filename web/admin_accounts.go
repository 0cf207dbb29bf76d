package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
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

// adminAccounts finds an account by phone, e-mail or id. A phone or e-mail finds the live account
// holding it, or else the newest closed one, through its keyed hash: the search never decrypts
// anyone's data. Every search is audited, without the query itself (personal data).
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
	hash, byLogin := h.Accounts.LookupLogin(d.Query)
	var recs []*purse.AccountRecord
	err := h.Store.Tx(r.Context(), func(tx purse.Tx) error {
		var rec *purse.AccountRecord
		var err error
		if byLogin {
			rec, err = tx.LiveAccountByLookup(r.Context(), hash)
			if errors.Is(err, purse.ErrNotFound) {
				rec, err = tx.LatestAccountByLookup(r.Context(), hash)
			}
		} else {
			rec, err = tx.Account(r.Context(), d.Query)
		}
		if err != nil && !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		by := "id"
		if byLogin {
			by = "login"
		}
		subject := ""
		if rec != nil {
			recs = append(recs, rec)
			subject = rec.ID
		}
		return audit.Record(r.Context(), tx, "operator:"+o.ID, "account.search", subject,
			map[string]string{"by": by, "found": boolString(rec != nil)})
	})
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, rec := range recs {
		f := foundAccount{ID: rec.ID, PhoneMasked: rec.PhoneMasked, Status: rec.Status, Kind: rec.Kind,
			Language: rec.Language, CreatedAt: v.Time(rec.CreatedAt), LegalHold: rec.LegalHold}
		if !rec.ClosedAt.IsZero() {
			f.ClosedAt = v.Time(rec.ClosedAt)
		}
		d.Found = append(d.Found, f)
	}
	h.render(w, r, http.StatusOK, "admin_accounts", v)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
