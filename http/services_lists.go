package http

import (
	"context"
	"net/http"
)

// registerServiceLists registers the disputes (AP-8.8), agreement flags (AP-8.6) and coupons (TP-1) the user can only see.
func (s *Server) registerServiceLists() {
	register(s, serviceOp("list-disputes", http.MethodGet, "/api/v1/disputes", "Disputes and restrictions (AP-8.8)", 200),
		func(ctx context.Context, _ *struct{}) (*disputesOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &disputesOutput{}
			out.Body.Items, err = s.Blockers.Disputes(ctx, p.Account.ID)
			return out, err
		})

	register(s, serviceOp("list-flags", http.MethodGet, "/api/v1/flags", "Agreement flags (AP-8.6)", 200),
		func(ctx context.Context, _ *struct{}) (*flagsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &flagsOutput{}
			out.Body.Items, err = s.Blockers.Flags(ctx, p.Account.ID)
			return out, err
		})

	register(s, serviceOp("list-coupons", http.MethodGet, "/api/v1/coupons", "Coupons (lost at closure, TP-1)", 200),
		func(ctx context.Context, _ *struct{}) (*couponsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &couponsOutput{}
			out.Body.Items, err = s.Blockers.Coupons(ctx, p.Account.ID)
			return out, err
		})
}
