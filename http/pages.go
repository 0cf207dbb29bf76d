package http

import (
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
)

// ProblemPages renders a problem as an HTML page for a browser: the maintenance notice, the
// outdated-app answer and the rest of GE-1, in the reader's language. Server.Pages implements it
// when the web package is mounted.
type ProblemPages interface {
	ServeProblem(w http.ResponseWriter, r *http.Request, p *Problem)
}

// StatusOf returns the HTTP status of an error code, for the pages to answer as the API does.
func StatusOf(c purse.Code) int { return statusFor(c) }

// problemPage hands a problem to the pages when a browser asked for a page, and reports whether
// it did. API clients, health checks and anything not asking for HTML keep problem+json.
func (s *Server) problemPage(w http.ResponseWriter, r *http.Request, p *Problem) bool {
	pages, ok := s.Pages.(ProblemPages)
	if !ok || strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" ||
		r.URL.Path == "/readyz" || r.URL.Path == "/metrics" ||
		!strings.Contains(r.Header.Get("Accept"), "text/html") {
		return false
	}
	pages.ServeProblem(w, r, p)
	return true
}
