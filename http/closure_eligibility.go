package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse/closure"
)

// Whether the account can close: asked before a request exists, and again within one.

type eligibilityInput struct {
	Certificate string `header:"X-Device-Certificate" maxLength:"200"`
}

type recheckInput struct {
	ID          string `path:"id" maxLength:"36"`
	Certificate string `header:"X-Device-Certificate" maxLength:"200"`
}

// registerClosureEligibility registers GET /api/v1/closure/eligibility.
func (s *Server) registerClosureEligibility() {
	register(s, huma.Operation{OperationID: "closure-eligibility", Method: http.MethodGet, Path: "/api/v1/closure/eligibility",
		Summary: "Can I close my account?", Description: "Every blocker at once, each with a remedy (AP-3, AP-8).",
		Tags: closureTags, Security: bearer, Errors: []int{401}},
		func(ctx context.Context, in *eligibilityInput) (*eligibilityOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			// The session's device may hold the certificate the holder installed on it (AP-2).
			bs, err := s.Closures.Eligibility(ctx, p.Account.ID, closure.Env{DeviceCertificate: in.Certificate, SessionID: p.Session.ID})
			if err != nil {
				return nil, err
			}
			out := &eligibilityOutput{}
			out.Body.Blockers = s.localizeBlockers(ctx, bs)
			out.Body.Eligible = len(closure.Blocking(bs)) == 0
			return out, nil
		})
}

// registerClosureRecheck registers POST /api/v1/closures/{id}/eligibility.
func (s *Server) registerClosureRecheck() {
	register(s, huma.Operation{OperationID: "closure-recheck", Method: http.MethodPost, Path: "/api/v1/closures/{id}/eligibility",
		Summary: "Check the closure conditions again", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409}},
		func(ctx context.Context, in *recheckInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.Recheck(ctx, acct, in.ID, closure.Env{DeviceCertificate: in.Certificate})
			})
		})
}
