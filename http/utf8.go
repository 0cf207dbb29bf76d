package http

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/purse-wallet/purse"
)

// utf8Body refuses an API request body that is not valid UTF-8 (RFC 8259 §8.1) with
// MALFORMED_JSON. Without it, encoding/json quietly turns each bad byte into U+FFFD and the
// mangled text is stored as if the client had sent it (a coupon titled "��"). It runs inside
// limitBody, so it reads at most MaxBody bytes.
func (s *Server) utf8Body(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 || !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.writeProblem(w, r, purse.Errorf(purse.CodeBodyTooLarge, "body over %d bytes", MaxBody))
				return
			}
			s.writeProblem(w, r, purse.Errorf(purse.CodeMalformedJSON, "unreadable body"))
			return
		}
		if !utf8.Valid(body) {
			s.writeProblem(w, r, purse.Errorf(purse.CodeMalformedJSON, "body is not valid UTF-8"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}
