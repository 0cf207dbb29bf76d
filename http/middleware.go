package http

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// chain wraps the routes in the middleware, outermost first.
func (s *Server) chain(next http.Handler) http.Handler {
	h := s.idempotency(notePattern(next))
	h = s.authenticate(h)
	h = s.authenticateOperator(h)
	h = s.gate(h)
	h = s.utf8Body(h)
	h = s.limitBody(h)
	h = s.headers(h)
	h = s.clientAddr(h)
	h = s.locale(h)
	h = s.recoverer(h)
	return s.accessLog(h)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// accessLog logs method, route pattern, status and duration: never the query string or the body,
// which may carry phone numbers, codes or tokens.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		st := &reqState{server: s, lang: i18n.Chinese}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), reqStateKey{}, st)))
		pattern := st.route
		if pattern == "" {
			// Answered before the mux (a refused token, the gate, a body over the limit): the log
			// and the metrics name the route the request was for, as they do for its other answers.
			if _, p := s.mux.Handler(r); p != "" {
				pattern = p
			} else {
				pattern = r.Method + " (unmatched)"
			}
		}
		s.Metrics.Request(pattern, rec.status)
		s.log.InfoContext(r.Context(), "http", "route", pattern, "status", rec.status,
			"ms", time.Since(start).Milliseconds())
	})
}

// recoverer turns a panic into a 500 problem, so that one bad request never takes the process down.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.writeProblem(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// locale puts the caller's language and the server in the context.
func (s *Server) locale(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Match(r.Header.Get("Accept-Language"))
		if c, err := r.Cookie("lang"); err == nil && (c.Value == i18n.English || c.Value == i18n.Chinese) {
			lang = c.Value
		}
		if st := stateOf(r.Context()); st != nil {
			st.lang = lang
		}
		w.Header().Set("Content-Language", lang)
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over MaxBody; reads past the limit fail, and a declared length over it
// is refused before reading.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			s.writeProblem(w, r, purse.Errorf(purse.CodeBodyTooLarge, "body of %d bytes", r.ContentLength))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		next.ServeHTTP(w, r)
	})
}

// exempt reports whether a path stays open in maintenance and to old clients: health, and the
// operators' console and API, from which maintenance is switched off again.
func exempt(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/.well-known/jwks.json" ||
		strings.HasPrefix(path, "/admin") || strings.HasPrefix(path, "/api/v1/admin/") ||
		strings.HasPrefix(path, "/static/")
}

// gate answers MAINTENANCE (503, Retry-After) and APP_VERSION_OUTDATED (426) (GE-1).
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		m, minVersion := s.switches.get(r.Context())
		if m != nil {
			retry := 10 * time.Minute
			if now := s.Clock.Now(); m.Until.After(now) {
				retry = m.Until.Sub(now)
			}
			s.writeProblem(w, r, &purse.Error{Code: purse.CodeMaintenance, RetryAfter: retry,
				Params: map[string]any{"Notice": m.Notice, "Until": m.Until}})
			return
		}
		if v := r.Header.Get("X-Client-Version"); v != "" && minVersion != "" && olderThan(v, minVersion) {
			s.writeProblem(w, r, &purse.Error{Code: purse.CodeAppVersionOutdated,
				Params: map[string]any{"Minimum": minVersion, "Version": v}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// notePattern records the matched route pattern for the access log: the mux sets it on the
// innermost request, which the outer middleware never sees.
func notePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if st := stateOf(r.Context()); st != nil {
			st.route = r.Pattern
		}
	})
}
