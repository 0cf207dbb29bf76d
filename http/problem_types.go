package http

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
)

// problemType answers GET /problems/{slug}: each problem's "type" URI resolves to a description of
// that problem in the caller's language, as JSON for API clients and as a page for browsers, so the
// link in every error document leads somewhere.
func (s *Server) problemType(w http.ResponseWriter, r *http.Request) {
	if s.Pages != nil && strings.Contains(r.Header.Get("Accept"), "text/html") {
		s.Pages.ServeHTTP(w, r) // a browser gets the explanation as a page
		return
	}
	code := purse.Code(strings.ToUpper(strings.ReplaceAll(r.PathValue("slug"), "-", "_")))
	status, ok := statusOf[code]
	if !ok {
		s.writeProblem(w, r, purse.Errorf(purse.CodeNotFound, "no problem type %s", code))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	json.NewEncoder(w).Encode(map[string]any{
		"type":        "/problems/" + r.PathValue("slug"),
		"code":        code,
		"status":      status,
		"title":       http.StatusText(status),
		"description": s.Catalog.Message(languageOf(r.Context()), string(code), nil),
	})
}
