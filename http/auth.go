package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
)

// principal is who is calling: the session and its account.
type principal struct {
	Session *purse.Session
	Account *purse.AccountRecord
}

// authenticate resolves a bearer token (or the web session cookie) to its account. A request with
// no credentials passes through, and operations that need one refuse it; a request with bad
// credentials is refused here, so a client learns at once that its token is no good.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, value, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || value == "" {
				s.writeProblem(w, r, purse.Errorf(purse.CodeUnauthenticated, "malformed Authorization header"))
				return
			}
			token = strings.TrimSpace(value)
		}
		// Admin routes and /metrics carry tokens of their own (an operator's, the metrics token).
		if token == "" || strings.HasPrefix(r.URL.Path, "/api/v1/admin/") || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		sess, acct, err := s.Accounts.Authenticate(r.Context(), token)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		st := stateOf(r.Context())
		if st == nil {
			s.writeProblem(w, r, purse.Errorf(purse.CodeUnauthenticated, "no request state"))
			return
		}
		st.principal = &principal{Session: sess, Account: acct}
		next.ServeHTTP(w, r)
	})
}

// caller returns the signed-in principal, or UNAUTHENTICATED.
func caller(ctx context.Context) (*principal, error) {
	if st := stateOf(ctx); st != nil && st.principal != nil {
		return st.principal, nil
	}
	return nil, purse.Errorf(purse.CodeUnauthenticated, "no session")
}
