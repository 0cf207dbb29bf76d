package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	purshttp "github.com/purse-wallet/purse/http"
)

// problemView is an error page: what went wrong, what to do, and when to come back (GE-1).
type problemView struct {
	Code    string
	Status  int
	Message string
	Notice  string    // the maintenance notice
	Until   time.Time // when the operator expects to be back
	Minimum string    // the oldest client version served
	Retry   string    // where "try again" goes; "" when retrying makes no sense
	About   bool      // the page describes the problem type; it is not happening to this request
	Now     string    // message id: whether the problem holds now, on an About page
}

// Known reports whether the code has its own title and advice.
func (p *problemView) Key(part string) string {
	switch purse.Code(p.Code) {
	case purse.CodeMaintenance, purse.CodeAppVersionOutdated, purse.CodeUnavailable, purse.CodeNotFound,
		purse.CodeRateLimited, purse.CodeForbidden:
		return "web_problem_" + strings.ToLower(p.Code) + "_" + part
	}
	return "web_problem_other_" + part
}

// ServeProblem renders a problem of the API's middleware (maintenance, outdated client, …) as a
// page, for a browser that asked for one.
func (h *Handler) ServeProblem(w http.ResponseWriter, r *http.Request, p *purshttp.Problem) {
	secure(w, r)
	r = h.identifyAs(w, r, false)
	pv := &problemView{Code: string(p.Code), Status: p.Status, Message: p.Detail}
	// An expected end already past is not shown: the message's wait (Retry-After) is the one
	// estimate the page gives, not a stale time beside a fresh duration.
	if p.Until != nil && p.Until.After(h.Clock.Now()) {
		pv.Until = *p.Until
	}
	if r.Method == http.MethodGet {
		pv.Retry = r.URL.RequestURI()
	}
	h.renderProblem(w, r, pv)
}

// serveError renders err as a page with its status.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	code := purse.ErrorCode(err)
	pv := &problemView{Code: string(code), Status: statusOf(err), Message: h.message(r, err)}
	if r.Method == http.MethodGet {
		pv.Retry = r.URL.RequestURI()
	}
	if pv.Status == http.StatusServiceUnavailable {
		// As the API's 503: when to come back, for the browser and any proxy in front.
		w.Header().Set("Retry-After", strconv.Itoa(int((purshttp.RetryAfter(err)+time.Second-1)/time.Second)))
	}
	h.renderProblem(w, r, pv)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.serveError(w, r, purse.Errorf(purse.CodeNotFound, "no page %s", r.URL.Path))
}

func (h *Handler) renderProblem(w http.ResponseWriter, r *http.Request, pv *problemView) {
	if pv.Code == string(purse.CodeMaintenance) && pv.Notice == "" {
		if m, _ := h.maintenance(r.Context()); m != nil {
			pv.Notice = m.Notice
		}
	}
	v := h.newView(r, pv.Key("title"))
	v.Data = pv
	h.render(w, r, pv.Status, "problem", v)
}

// problemPage explains a problem type (the API's "type" member, /problems/maintenance) to a
// person. It describes the kind of problem and says whether it holds now: while maintenance is on
// or a client is too old, the gate answers first with the live problem (503, 426), so this page
// only ever runs when the problem is not happening, and must not pretend that it is.
func (h *Handler) problemPage(w http.ResponseWriter, r *http.Request) {
	code := purse.Code(strings.ToUpper(strings.ReplaceAll(r.PathValue("slug"), "-", "_")))
	if !slices.Contains(purshttp.ProblemCodes(), code) {
		h.notFound(w, r)
		return
	}
	pv := &problemView{Code: string(code), Status: http.StatusOK, About: true,
		Message: purshttp.ProblemDescription(h.Catalog, lang(r), code)}
	switch code {
	case purse.CodeMaintenance:
		pv.Now = "web_problem_now_no_maintenance"
	case purse.CodeAppVersionOutdated:
		pv.Minimum = h.setting(r.Context(), purshttp.SettingMinClientVersion)
		pv.Now = "web_problem_now_any_version"
		if pv.Minimum != "" {
			pv.Now = "web_problem_now_minimum"
		}
	}
	v := h.newView(r, pv.Key("title"))
	v.Data = pv
	h.render(w, r, http.StatusOK, "problem", v)
}

// maintenance reads the live maintenance switch; nil when off.
func (h *Handler) maintenance(ctx context.Context) (*purshttp.Maintenance, error) {
	raw := h.setting(ctx, purshttp.SettingMaintenance)
	if raw == "" {
		return nil, nil
	}
	var m purshttp.Maintenance
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (h *Handler) setting(ctx context.Context, key string) string {
	var v string
	_ = h.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		v, err = tx.Setting(ctx, key)
		return err
	})
	return v
}

// statusOf is the HTTP status the API gives the error's code.
func statusOf(err error) int { return purshttp.StatusOf(purse.ErrorCode(err)) }
