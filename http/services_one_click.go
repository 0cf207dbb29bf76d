package http

import (
	"context"
	"net/http"
)

// registerOneClickPay registers the one-click-pay switch (TP-1): off freely, on with the payment password.
func (s *Server) registerOneClickPay() {
	register(s, serviceOp("get-one-click-pay", http.MethodGet, "/api/v1/settings/one-click-pay", "The one-click-pay switch (TP-1)", 200),
		func(ctx context.Context, _ *struct{}) (*oneClickOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			on, err := s.Blockers.OneClickPay(ctx, p.Account.ID)
			return &oneClickOutput{Body: oneClickBody{Enabled: on}}, err
		})

	set := serviceOp("set-one-click-pay", http.MethodPut, "/api/v1/settings/one-click-pay",
		"Switch one-click pay (password-free small payments) on with the payment password, or off (TP-1)", 200)
	set.Errors = append(set.Errors, 403, 423)
	register(s, set,
		func(ctx context.Context, in *oneClickInput) (*oneClickOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			if in.Body.Enabled {
				if _, err := s.Wallet.SwitchSmallPayments(ctx, p.Account.ID, true, in.Body.PaymentPassword); err != nil {
					return nil, err
				}
				return &oneClickOutput{Body: oneClickBody{Enabled: true}}, nil
			}
			err = s.Blockers.SwitchOffOneClickPay(ctx, p.Account.ID)
			return &oneClickOutput{Body: oneClickBody{Enabled: false}}, err
		})
}
