package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// closureRoutes registers the wizard's steps: one page per request, showing its current step,
// and one form action per step. Every action answers by sending the user back to the page.
func (h *Handler) closureRoutes() {
	h.mux.HandleFunc("GET /closure/confirm", h.closureConfirmPage)
	h.mux.HandleFunc("GET /closure/prepare", h.prepare)
	h.mux.HandleFunc("POST /closure/confirm", h.closureConfirm)
	h.mux.HandleFunc("GET /closure/{id}", h.closureStep)
	h.mux.HandleFunc("POST /closure/{id}/recheck", h.closureRecheck)
	h.mux.HandleFunc("POST /closure/{id}/rights", h.closureRights)
	h.mux.HandleFunc("POST /closure/{id}/code", h.closureCode)
	h.mux.HandleFunc("POST /closure/{id}/verify", h.closureVerify)
	h.mux.HandleFunc("POST /closure/{id}/submit", h.closureSubmit)
	h.mux.HandleFunc("POST /closure/{id}/cancel", h.closureCancel)
}

// blockerView is one blocker as the pages show it: its message and the page that clears it.
type blockerView struct {
	Code    string
	Message string
	Page    string
	API     string
	Warning bool
	Then    []string // what taking the remedy will also bring about (closure.Policy.Raises)
}

// blockerViews turns blockers into what the pages show, the remedy loops of the policy included
// and, for movements in progress, when they stop blocking: blocking ones first list, warnings
// second.
func (h *Handler) blockerViews(r *http.Request, p *closure.Policy, accountID string, bs []purse.Blocker) (blocking, warnings []blockerView) {
	for _, b := range bs {
		bv := blockerView{Code: string(b.Code), Message: h.Catalog.Message(lang(r), string(b.Code), nil),
			Page: b.Remedy.Page, API: b.Remedy.API, Warning: b.Warning}
		if b.Code == purse.CodeTransactionInProgress {
			// The remedy page shows the movement as done (a settled withdrawal still blocks for the
			// policy's window, AP-8.3): the card says until when (issue 18).
			if until, err := h.Closures.InProgressUntil(r.Context(), accountID); err == nil && !until.IsZero() {
				bv.Then = append(bv.Then, h.Catalog.Message(lang(r), "wc_in_progress_until",
					map[string]any{"Time": h.Catalog.FormatTime(lang(r), until)}))
			}
		}
		if p != nil {
			for _, then := range p.Raises(b.Code) {
				bv.Then = append(bv.Then, h.Catalog.Message(lang(r), "wc_loop_"+string(b.Code)+"_"+string(then), nil))
			}
		}
		if b.Warning {
			warnings = append(warnings, bv)
		} else {
			blocking = append(blocking, bv)
		}
	}
	return blocking, warnings
}

// flowView is what the step pages show of a request.
type flowView struct {
	Flow     *closure.Flow
	ID       string
	State    string
	Blockers []blockerView
	Warnings []blockerView
	Linked   []*purse.LinkedAccount
	Pending  []string // factors still to pass, in the policy's order
	Passed   []string
	Captcha  *captchaView
	Sent     string // the channel a code just went to
	SentTo   string
	Wait     int  // seconds before "send code" may be pressed again
	Resend   bool // the last error asks for a new code (GE-1)
	Link     bool // an e-mail link follows the codes (IM-2)
	Now      time.Time
	Via      string // the channel the result goes by (AP-5): "email" or "sms"
}

type captchaView struct {
	ID    string
	Image template.URL // a data: URL, which the CSP allows for images
}

// Needs reports whether the factor is still to pass.
func (f *flowView) Needs(factor string) bool { return slices.Contains(f.Pending, factor) }

// Days is how many days are left until t, counting a started day as a day: a 7-day cooling-off
// just begun has 7 days left, not 6 and a few hours (issue 18).
func (f *flowView) Days(t time.Time) int {
	left := t.Sub(f.Now)
	if left <= 0 {
		return 0
	}
	return int((left + 24*time.Hour - 1) / (24 * time.Hour))
}

// EnvFailed reports whether the request failed the security-environment check (AP-2), which
// runs before the agreement: nothing was reviewed, so the page must not say a review failed.
func (f *flowView) EnvFailed() bool {
	for _, e := range f.Flow.History {
		if e.To == purse.ClosureFailed {
			return e.From == purse.ClosureStarted
		}
	}
	return false
}

// resultChannel is the channel the closure's notices take: the first of the policy's order the
// account has (closure.notice), so the page never says "by e-mail" to an account without one.
func resultChannel(p *closure.Policy, a *purse.Account) string {
	if p == nil || a == nil {
		return string(purse.ChannelSMS)
	}
	for _, ch := range p.NotifyOrder {
		if ch == string(purse.ChannelSMS) || a.Email != "" {
			return ch
		}
	}
	return string(purse.ChannelSMS)
}

// pageOf is the template of each state: one page per step.
func pageOf(s purse.ClosureState) string {
	switch s {
	case purse.ClosureStarted, purse.ClosureAgreement, purse.ClosureEligibility:
		return "closure_eligibility"
	case purse.ClosureRights:
		return "closure_rights"
	case purse.ClosureVerification:
		return "closure_verify"
	case purse.ClosureEmailConfirm:
		return "closure_email"
	case purse.ClosureReview:
		return "closure_review"
	}
	return "closure_result"
}

// flowView turns a flow into its page's data; a verification page gets a fresh captcha when the
// policy asks for one.
func (h *Handler) flowView(r *http.Request, f *closure.Flow) *flowView {
	c := f.Request
	fv := &flowView{Flow: f, ID: c.ID, State: string(c.State), Linked: f.Linked, Passed: c.Factors, Now: h.Clock.Now(),
		Via: resultChannel(f.Policy, accountOf(r))}
	fv.Blockers, fv.Warnings = h.blockerViews(r, f.Policy, c.AccountID, f.Blockers)
	for _, x := range f.Required {
		if x == closure.FactorEmailLink {
			fv.Link = true
			continue
		}
		if !slices.Contains(c.Factors, x) {
			fv.Pending = append(fv.Pending, x)
		}
	}
	if c.State == purse.ClosureVerification && fv.Needs(closure.FactorCaptcha) {
		fv.Captcha = h.newCaptcha(r, c.AccountID)
	}
	return fv
}

// newCaptcha makes a captcha for the account (PW-2); nil when it cannot, and the page then says
// to refresh.
func (h *Handler) newCaptcha(r *http.Request, accountID string) *captchaView {
	var out *captchaView
	err := h.Store.Tx(r.Context(), func(tx purse.Tx) error {
		c, err := h.Closures.Captchas.New(r.Context(), tx, accountID)
		if err != nil {
			return err
		}
		out = &captchaView{ID: c.ID, Image: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG))}
		return nil
	})
	if err != nil {
		h.Log.ErrorContext(r.Context(), "web: captcha", "error", err.Error())
		return nil
	}
	return out
}

// closureStep shows the request's current step. Another account's request is a 404 page.
func (h *Handler) closureStep(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	f, err := h.Closures.Get(r.Context(), a.ID, r.PathValue("id"))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	fv := h.flowView(r, f)
	q := r.URL.Query()
	if ch := q.Get("sent"); ch == "sms" || ch == "email" {
		fv.Sent, fv.SentTo = ch, q.Get("to")
		fv.Wait, _ = strconv.Atoi(q.Get("wait"))
		fv.Wait = min(max(fv.Wait, 0), 600)
	}
	h.showStep(w, r, http.StatusOK, fv, "")
}

// showStep renders the step page of the flow with an error message for the whole form.
func (h *Handler) showStep(w http.ResponseWriter, r *http.Request, status int, fv *flowView, msg string) {
	v := h.newView(r, "web_closure_title")
	v.Data, v.Error = fv, msg
	h.render(w, r, status, pageOf(purse.ClosureState(fv.State)), v)
}

// action runs a wizard form: CSRF first, then the step; on success back to the request's page.
// A step asked in the wrong state shows the current step with the conflict's message (409); an
// error of the step itself shows the step with its message; another account's request is a 404.
func (h *Handler) action(w http.ResponseWriter, r *http.Request, fn func(accountID, id string) (string, error)) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if !h.checkCSRF(r) {
		h.stepError(w, r, a.ID, id, http.StatusForbidden, h.Catalog.Message(lang(r), "web_form_expired", nil), nil)
		return
	}
	to, err := fn(a.ID, id)
	if err == nil && to == done {
		return
	}
	if err == nil {
		if to == "" {
			to = "/closure/" + id
		}
		seeOther(w, r, to)
		return
	}
	h.stepError(w, r, a.ID, id, statusOf(err), h.message(r, err), err)
}

// stepError shows the request's current page with msg; a request the account cannot see is the
// 404 page.
func (h *Handler) stepError(w http.ResponseWriter, r *http.Request, accountID, id string, status int, msg string, cause error) {
	f, err := h.Closures.Get(r.Context(), accountID, id)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if purse.ErrorCode(cause) == purse.CodeClosureReviewFailed {
		// The request failed with its reasons: its page says it all (AP-7).
		seeOther(w, r, "/closure/"+id)
		return
	}
	fv := h.flowView(r, f)
	switch purse.ErrorCode(cause) {
	case purse.CodeOTPInvalid, purse.CodeOTPExpired:
		fv.Resend = true
	case purse.CodeOTPRateLimited:
		if e := purse.AsError(cause); e != nil {
			fv.Wait = int(e.RetryAfter / time.Second)
		}
	}
	h.showStep(w, r, status, fv, msg)
}

func (h *Handler) closureRecheck(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		_, err := h.Closures.Recheck(r.Context(), acct, id, env(r))
		return "", err
	})
}

// closureRights takes "I give up these rights" (AP-4).
func (h *Handler) closureRights(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		_, err := h.Closures.ConfirmRights(r.Context(), acct, id, r.PostFormValue("confirm") == "yes")
		return "", err
	})
}

// closureCode sends an SMS or e-mail code (TP-5, PW-2, IM-2); the page then counts down to the
// time another may be asked for.
func (h *Handler) closureCode(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		ch := purse.ChannelSMS
		if r.PostFormValue("channel") == "email" {
			ch = purse.ChannelEmail
		}
		sent, err := h.Closures.SendCode(r.Context(), acct, id, ch)
		if err != nil {
			return "", err
		}
		wait := int(sent.ResendAt.Sub(h.Clock.Now()) / time.Second)
		return "/closure/" + id + "?sent=" + string(ch) + "&to=" + urlQuery(sent.To) + "&wait=" + strconv.Itoa(wait), nil
	})
}

// closureVerify checks the verification details (TP-4, TP-5, PW-2, AP-5, AP-6).
func (h *Handler) closureVerify(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		_, err := h.Closures.Verify(r.Context(), acct, id, closure.Answers{
			PaymentPassword: limit(r.PostFormValue("payment_password"), 16),
			SMSCode:         limit(r.PostFormValue("sms_code"), 12),
			EmailCode:       limit(r.PostFormValue("email_code"), 12),
			CaptchaID:       limit(r.PostFormValue("captcha_id"), 36),
			CaptchaAnswer:   limit(r.PostFormValue("captcha_answer"), 12)})
		return "", err
	})
}

// closureSubmit is "Confirm closure" (AP-5, AP-7).
// Without cooling-off the account closes here and its sessions with it, so the success page
// (TP-6) is shown at once rather than behind a redirect the ended session could not follow.
func (h *Handler) closureSubmit(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		f, err := h.Closures.Submit(r.Context(), acct, id)
		if err == nil && f.Request.State == purse.ClosureClosed {
			h.showClosed(w, r, f)
			return done, nil
		}
		return "", err
	})
}

// done tells action that the step already answered.
const done = "-"

// showClosed renders the success page of a request whose account just closed, and drops the
// session cookie, whose session the closure revoked.
func (h *Handler) showClosed(w http.ResponseWriter, r *http.Request, f *closure.Flow) {
	clearCookie(w, r, sessionCookie, "/")
	v := h.newView(r, "web_closure_title")
	v.Account = nil
	v.Data = h.flowView(r, f)
	h.render(w, r, http.StatusOK, "closure_result", v)
}

// closureCancel stops the request, or keeps the account during cooling-off (GE-4, PW-6).
func (h *Handler) closureCancel(w http.ResponseWriter, r *http.Request) {
	h.action(w, r, func(acct, id string) (string, error) {
		_, err := h.Closures.Cancel(r.Context(), acct, id)
		return "", err
	})
}

// limit cuts a form value to the longest the service accepts, as the API's maxLength does.
func limit(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
