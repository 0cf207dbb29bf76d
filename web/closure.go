package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// closureData is the closure start page: where the user came from and whether the tick is missing.
type closureData struct {
	Entrance string                // "settings" (TP-2 app, PW-1, IM-2) or "self-service" (TP-2 web, AP-1)
	Reasons  []purse.ClosureReason // offered, never required (IM-1)
	// EnvBlockers are what the security-environment check found on this device (AP-2): it runs
	// when the closure's first page opens, before the agreement is shown, and while it finds
	// anything the page shows them with their remedies instead of the agreement.
	EnvBlockers []blockerView
}

func entrance(s string) string {
	if s == "self-service" {
		return s
	}
	return "settings"
}

// env is what a browser tells of its environment (AP-2): a certificate user's client sends the
// certificate's fingerprint as the API's clients do.
func env(r *http.Request) closure.Env {
	e := closure.Env{DeviceCertificate: r.Header.Get("X-Device-Certificate")}
	if id := whoOf(r); id.session != nil {
		e.SessionID = id.session.ID // its device is a risk signal (TP-5)
	}
	return e
}

// closure is the wizard's first page: the advice to follow before closing (TP-1, PW-5, IM-3) and
// the agreement with its tick box (TP-3). Both entrances lead here; a user with a request under
// way past the agreement goes straight back to its step.
func (h *Handler) closure(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if open := h.openClosure(r, a.ID); open != nil && open.State != purse.ClosureAgreement && open.State != purse.ClosureStarted {
		seeOther(w, r, "/closure/"+open.ID)
		return
	}
	bs, err := h.Closures.Environment(r.Context(), a.ID, env(r))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	v := h.newView(r, "web_closure_title")
	d := &closureData{Entrance: entrance(r.URL.Query().Get("from")), Reasons: purse.ClosureReasons}
	d.EnvBlockers, _ = h.blockerViews(r, nil, a.ID, bs)
	v.Data = d
	h.render(w, r, http.StatusOK, "closure", v)
}

// openClosure returns the account's unfinished request, or nil.
func (h *Handler) openClosure(r *http.Request, accountID string) *purse.ClosureRequest {
	list, err := h.Closures.List(r.Context(), accountID, 1)
	if err != nil || len(list) == 0 || list[0].State.Terminal() {
		return nil
	}
	return list[0]
}

// closureAgree takes the ticked agreement (TP-3): it starts the request (the environment check
// of AP-2 runs then), records the tick, and the closure conditions are checked at once (AP-3).
// The user lands on the request's page, which shows whatever step it reached.
func (h *Handler) closureAgree(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_closure_title")
	v.Data = &closureData{Entrance: entrance(r.PostFormValue("from")), Reasons: purse.ClosureReasons}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "closure", v)
		return
	}
	if r.PostFormValue("accept") != "yes" {
		v.Fields = map[string]string{"accept": v.T("web_closure_tick_required")}
		h.render(w, r, http.StatusUnprocessableEntity, "closure", v)
		return
	}
	ctx := r.Context()
	var id string
	start := env(r)
	start.Reason = purse.ClosureReason(r.PostFormValue("reason")) // optional (IM-1)
	if !start.Reason.Valid() {
		start.Reason = "" // a reason the form does not offer is no reason: it never stops a closure
	}
	f, err := h.Closures.Start(ctx, a.ID, start)
	switch {
	case err == nil:
		id = f.Request.ID
	case purse.ErrorCode(err) == purse.CodeClosureInProgress:
		// A request already under way (another tab): carry on with it.
		open := h.openClosure(r, a.ID)
		if open == nil {
			h.serveError(w, r, err)
			return
		}
		id = open.ID
	default:
		h.serveError(w, r, err)
		return
	}
	if _, err := h.Closures.Accept(ctx, a.ID, id, true, env(r)); err != nil &&
		purse.ErrorCode(err) != purse.CodeClosureStateConflict {
		h.serveError(w, r, err)
		return
	}
	seeOther(w, r, "/closure/"+id)
}
