package http

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
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
		"description": ProblemDescription(s.Catalog, languageOf(r.Context()), code),
	})
}

// ProblemDescription explains code in general. An error's own message may name its particulars
// ("try again in {{.RetryAfter}}"); a type's description has none to fill, so such a code has a
// general sentence under problem_type.CODE (problem_types.*.toml).
func ProblemDescription(c *i18n.Catalog, lang string, code purse.Code) string {
	if id := "problem_type." + string(code); c.Has(lang, id) {
		return c.Message(lang, id, nil)
	}
	return c.Message(lang, string(code), nil)
}

// ProblemCodes lists every code the API answers with, sorted: each has a problem type page.
func ProblemCodes() []purse.Code {
	codes := make([]purse.Code, 0, len(statusOf))
	for c := range statusOf {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
