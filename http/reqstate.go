package http

import (
	"context"

	"github.com/purse-wallet/purse"
)

// reqState is what the middleware learns about a request, in one context value set once by the
// outermost middleware. Each layer used to add its own context value and copy the request
// (http.Request.WithContext) to carry it: five values and four copies per request, and every
// ctx.Value lookup, the store's included, walked the longer chain.
type reqState struct {
	server    *Server
	route     string          // the matched pattern, for the access log (set by notePattern)
	lang      string          // the caller's language (locale)
	clientIP  string          // (clientAddr)
	secure    bool            // reached over HTTPS (headers)
	principal *principal      // the signed-in account, if any (authenticate)
	operator  *purse.Operator // the operator, on admin routes (authenticateOperator)
}

type reqStateKey struct{}

// stateOf returns the request's state, or nil outside a request.
func stateOf(ctx context.Context) *reqState {
	st, _ := ctx.Value(reqStateKey{}).(*reqState)
	return st
}
