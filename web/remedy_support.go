package web

import (
	"net/http"
)

// contracts lists the merchant's contracts with their end dates (AP-8.9). A contract in its term
// ends on its date, after which the account may close; ending one early is the operator's
// decision, so the page says so and how to reach support, instead of a button that cannot work.
func (h *Handler) contracts(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Blockers.Contracts(r.Context(), a.ID)
	v := h.newView(r, "")
	d := &remedyData{Key: "contracts"}
	for _, x := range list {
		it := remedyItem{ID: x.ID, Title: x.Title, Live: x.InTermNow, Since: x.StartsAt,
			Detail: v.T("wr_contract_ends", "Date", v.Date(x.EndsAt))}
		if x.InTermNow {
			if x.TerminationRequestedAt.IsZero() {
				it.Action, it.Button, it.Reason = "/services/contracts/"+x.ID+"/termination", "wr_request_termination", true
			} else {
				it.Pending = v.T("wr_termination_pending", "Date", v.Date(x.TerminationRequestedAt))
			}
		}
		d.Items = append(d.Items, it)
	}
	h.showRemedy(w, r, d, err)
}

// requestTermination asks support to end a contract before its term (AP-8.9): the contract
// stays in force until support decides, and the page then says the request waits.
func (h *Handler) requestTermination(w http.ResponseWriter, r *http.Request) {
	h.remedyDone(w, r, "/services/contracts", func(acct string) error {
		_, err := h.Blockers.RequestTermination(r.Context(), acct, r.PathValue("id"), limit(r.PostFormValue("reason"), 500))
		return err
	})
}

// coupons lists the unused coupons (TP-1): they do not stop a closure, but they are lost with it,
// so the user can use them first.
func (h *Handler) coupons(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	list, err := h.Blockers.Coupons(r.Context(), a.ID)
	v := h.newView(r, "")
	d := &remedyData{Key: "coupons"}
	for _, x := range list {
		d.Items = append(d.Items, remedyItem{ID: x.ID, Title: x.Title, Live: x.Status == "unused",
			Detail: v.T("wr_coupon_detail", "Amount", yuan(x.Amount), "Date", v.Date(x.ExpiresAt))})
	}
	h.showRemedy(w, r, d, err)
}

// supportRemedy is the page of an environment blocker (AP-2) that only support can clear: a
// certificate installed on another device, an account not yet activated. It says what to do on
// the original device and how to reach support, who lifts the requirement after an identity check.
func (h *Handler) supportRemedy(key string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := requireUser(w, r); !ok {
			return
		}
		h.showRemedy(w, r, &remedyData{Key: key}, nil)
	}
}
