package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/operator"
)

// adminBearer marks an operation as needing an operator token.
var adminBearer = []map[string][]string{{"operator": {}}}

// authenticateOperator resolves the operator token on /api/v1/admin/ routes. The admin API never
// accepts an end user's session, and an end user's routes never accept an operator token.
func (s *Server) authenticateOperator(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/admin/") {
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			s.writeProblem(w, r, purse.Errorf(purse.CodeOperatorUnauthenticated, "no operator token"))
			return
		}
		o, err := s.Operators.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		st := stateOf(r.Context())
		if st == nil {
			s.writeProblem(w, r, purse.Errorf(purse.CodeOperatorUnauthenticated, "no request state"))
			return
		}
		st.operator = o
		if a, ok := s.adminAction(r.Method, r.URL.Path); ok {
			if err := operator.Require(o.Role, a); err != nil {
				s.writeProblem(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// operatorWith returns the calling operator if its role includes need; ROLE_REQUIRED otherwise.
func operatorWith(ctx context.Context, need purse.Role) (*purse.Operator, error) {
	st := stateOf(ctx)
	if st == nil || st.operator == nil {
		return nil, purse.Errorf(purse.CodeOperatorUnauthenticated, "no operator")
	}
	o := st.operator
	if !o.Role.Includes(need) {
		return nil, &purse.Error{Code: purse.CodeRoleRequired, Params: map[string]any{"Role": string(need)}}
	}
	return o, nil
}
