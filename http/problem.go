package http

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// Problem is an RFC 9457 problem document with purse's members: a stable code, field errors,
// closure blockers with their remedies, and when to retry.
type Problem struct {
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Status     int                `json:"status"`
	Detail     string             `json:"detail"`
	Code       purse.Code         `json:"code"`
	Instance   string             `json:"instance,omitempty"`
	Errors     []purse.FieldError `json:"errors,omitempty"`
	Blockers   []purse.Blocker    `json:"blockers,omitempty"`
	RetryAfter int                `json:"retry_after,omitempty"` // seconds
	Until      *time.Time         `json:"until,omitempty"`
	// Extra carries a problem's own facts, e.g. a closure's current state and next step.
	Extra map[string]any `json:"extra,omitempty"`

	retry time.Duration
}

// Error makes Problem a huma.StatusError.
func (p *Problem) Error() string { return string(p.Code) + ": " + p.Detail }

// GetStatus makes Problem a huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

// GetHeaders makes huma send Retry-After with the problem.
func (p *Problem) GetHeaders() http.Header {
	h := http.Header{}
	if p.retry > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	return h
}

// problem builds the problem document for err in lang. Anything that is not a *purse.Error is an
// internal failure: logged with its cause, shown to the user as INTERNAL without details.
func (s *Server) problem(ctx context.Context, err error) *Problem {
	lang := languageOf(ctx)
	e := purse.AsError(err)
	if e == nil {
		// UNAVAILABLE when a context ended under the failure, INTERNAL otherwise; and whatever
		// failed once the request's own context has ended (the client went away, the server is
		// stopping) failed because of that, not because purse is broken.
		e = &purse.Error{Code: purse.ErrorCode(err), Err: err}
		if ctx.Err() != nil {
			e.Code = purse.CodeUnavailable
		}
	}
	status := statusFor(e.Code)
	if status >= 500 {
		s.log.ErrorContext(ctx, "request failed", "code", string(e.Code), "error", err.Error())
	}
	retry := e.RetryAfter
	if status == http.StatusServiceUnavailable && retry <= 0 {
		retry = RetryAfter(err)
	}
	params := map[string]any{}
	for k, v := range e.Params {
		params[k] = v
	}
	if retry > 0 {
		params["RetryAfter"] = retry
	}
	p := &Problem{
		Type:   "/problems/" + strings.ToLower(strings.ReplaceAll(string(e.Code), "_", "-")),
		Title:  http.StatusText(status),
		Status: status,
		Detail: s.Catalog.Message(lang, string(e.Code), params),
		Code:   e.Code,
		Errors: e.Fields,
		retry:  retry,
	}
	if retry > 0 {
		p.RetryAfter = int((retry + time.Second - 1) / time.Second)
	}
	if until, ok := e.Params["Until"].(time.Time); ok {
		p.Until = &until
	}
	for _, b := range e.Blockers {
		if b.Message == "" {
			b.Message = s.Catalog.Message(lang, string(b.Code), nil)
		}
		p.Blockers = append(p.Blockers, b)
	}
	p.Extra = closureExtra(e)
	for i := range p.Errors {
		if p.Errors[i].Message == "" {
			p.Errors[i].Message = s.Catalog.Message(lang, string(p.Errors[i].Code), nil)
		}
	}
	return p
}

// unavailableRetryAfter is the Retry-After of a 503 whose error does not say when to come back:
// the store's own outage answer (sqlstore: 2 s, PostgreSQL restarts in seconds).
const unavailableRetryAfter = 2 * time.Second

// RetryAfter is when a client should come back after err, answered 503: the first wait a
// purse.Error in its chain gives, else unavailableRetryAfter. Every 503 says when (RFC 9110
// §10.2.3; the API's promise for an outage): the layers that wrap a failure as UNAVAILABLE (a
// failed final commit around the store's outage, a group commit, a request whose context ended)
// need not each know the wait.
func RetryAfter(err error) time.Duration {
	if d, ok := waitIn(err); ok {
		return d
	}
	return unavailableRetryAfter
}

// waitIn finds the first purse.Error in err's tree that gives a wait.
func waitIn(err error) (time.Duration, bool) {
	if e, ok := err.(*purse.Error); ok && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return waitIn(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if d, ok := waitIn(inner); ok {
				return d, true
			}
		}
	}
	return 0, false
}

// writeProblem answers with a problem outside huma (middleware, pages' API fallbacks).
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problem(r.Context(), err)
	if purse.ErrorCode(err) != purse.CodeRoleRequired {
		// A role refusal names nothing of what was asked for: the path holds account and item ids.
		p.Instance = r.URL.Path
	}
	for k, v := range p.GetHeaders() {
		w.Header()[k] = v
	}
	if s.problemPage(w, r, p) {
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// hookHumaErrors makes huma's own errors (bad JSON, validation, body size, media type) purse
// problems with codes. huma offers one package-level hook, so it is set once, and it finds the
// server that is answering through the request's context.
func hookHumaErrors() {
	// NewError also gives the OpenAPI document its error schema: the Problem purse really sends.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg,
			Code: purse.CodeInternal}
	}
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		var e *purse.Error
		switch {
		case status == http.StatusRequestEntityTooLarge:
			e = &purse.Error{Code: purse.CodeBodyTooLarge, Detail: msg}
		case status == http.StatusUnsupportedMediaType:
			e = &purse.Error{Code: purse.CodeUnsupportedMediaType, Detail: msg}
		case status == http.StatusBadRequest && strings.Contains(msg, "required"):
			e = &purse.Error{Code: purse.CodeInvalidRequest, Detail: msg}
		case status == http.StatusBadRequest:
			e = &purse.Error{Code: purse.CodeMalformedJSON, Detail: msg}
		case status == http.StatusUnprocessableEntity:
			e = &purse.Error{Code: purse.CodeInvalidRequest, Detail: msg}
		case status == http.StatusNotFound:
			e = &purse.Error{Code: purse.CodeNotFound, Detail: msg}
		case status >= 500:
			e = &purse.Error{Code: purse.CodeInternal, Detail: msg, Err: errors.Join(errs...)}
		default:
			e = &purse.Error{Code: purse.CodeInvalidRequest, Detail: msg}
		}
		for _, err := range errs {
			var d *huma.ErrorDetail
			if errors.As(err, &d) {
				e.Fields = append(e.Fields, purse.FieldError{
					Field: strings.TrimPrefix(strings.TrimPrefix(d.Location, "body."), "body"),
					Code:  e.Code, Message: d.Message})
			}
		}
		ctx := context.Background()
		if hctx != nil {
			ctx = hctx.Context()
		}
		st := stateOf(ctx)
		if st == nil {
			return &Problem{Status: status, Code: e.Code, Detail: msg, Title: http.StatusText(status)}
		}
		p := st.server.problem(ctx, e)
		if hctx != nil {
			p.Instance = hctx.URL().Path
		}
		return p
	}
}

// languageOf returns the caller's language put in the context by the locale middleware.
func languageOf(ctx context.Context) string {
	if st := stateOf(ctx); st != nil && st.lang != "" {
		return st.lang
	}
	return i18n.Chinese
}
