package web

import (
	"net/http"
)

// prepareLink is one service the preparation page points at: its name (a message id) and page.
type prepareLink struct {
	Key  string // web_prep_<key>
	Page string
}

// prepareServices are the services a closure cuts or waits for (TP-1, IM-3, AP-8), each with the
// page where the user ends or reviews it before closing.
var prepareServices = []prepareLink{
	{"cards", "/wallet/cards"}, {"payments", "/settings/payments"}, {"auto_debits", "/services/auto-debits"},
	{"linked", "/settings/linked-accounts"}, {"business", "/account/business"}, {"contracts", "/services/contracts"},
	{"credit", "/services/credit"}, {"coupons", "/wallet/coupons"}, {"disputes", "/help/disputes"},
}

// prepareData is the preparation page: the checks as they stand now, the services, the exports.
type prepareData struct {
	Blockers, Warnings []blockerView
	Services           []prepareLink
}

// prepare is the preparation page (TP-1, IM-3, PW-5): before any closure is started, what would
// stop one now and what one would cut, each with the page that handles it, and the exports to
// keep. It is reached from settings and from the closure's first page, and starts nothing.
func (h *Handler) prepare(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	bs, err := h.Closures.Eligibility(r.Context(), a.ID, env(r))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &prepareData{Services: prepareServices}
	d.Blockers, d.Warnings = h.blockerViews(r, h.Closures.Policy, a.ID, bs)
	v := h.newView(r, "web_prep_title")
	v.Data = d
	h.render(w, r, http.StatusOK, "closure_prepare", v)
}
