package http

import (
	"context"
	"net/http"
)

// registerContracts registers the merchant contracts (AP-8.9): see them and ask to end one early.
func (s *Server) registerContracts() {
	register(s, serviceOp("list-contracts", http.MethodGet, "/api/v1/contracts", "Merchant contracts (AP-8.9)", 200),
		func(ctx context.Context, _ *struct{}) (*contractsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &contractsOutput{}
			out.Body.Items, err = s.Blockers.Contracts(ctx, p.Account.ID)
			return out, err
		})

	register(s, serviceOp("request-contract-termination", http.MethodPost, "/api/v1/contracts/{id}/termination-request",
		"Ask support to end a contract before its term (AP-8.9); support decides", 202),
		func(ctx context.Context, in *terminationInput) (*contractOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.Blockers.RequestTermination(ctx, p.Account.ID, in.ID, in.Body.Reason)
			return &contractOutput{Body: c}, err
		})
}
