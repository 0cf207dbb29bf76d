package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse/wallet"
)

// registerSmallPayments serves password-free small payments (小额免密, issue 13): off by default,
// switched on by the holder with the payment password, within the operator's caps.
func (s *Server) registerSmallPayments() {
	type output struct {
		Body *wallet.SmallPayments
	}
	register(s, huma.Operation{
		OperationID: "small-payments", Method: http.MethodGet, Path: "/api/v1/settings/small-payments",
		Summary: "Password-free small payments: the switch and the operator's caps", Tags: []string{"Wallet"},
		Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*output, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		sp, err := s.Wallet.SmallPayments(ctx, id)
		if err != nil {
			return nil, err
		}
		return &output{Body: sp}, nil
	})
	type input struct {
		Body struct {
			Enabled         bool   `json:"enabled"`
			PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16" doc:"Required to switch them on"`
		}
	}
	register(s, huma.Operation{
		OperationID: "set-small-payments", Method: http.MethodPut, Path: "/api/v1/settings/small-payments",
		Summary:     "Switch password-free small payments on (with the payment password) or off",
		Description: "Off by default. While on, a transfer without the payment password goes through only within the operator's per-payment cap and daily total, and never while the payment password is locked.",
		Tags:        []string{"Wallet"}, Security: bearer, Errors: []int{401, 403, 409, 422, 423},
	}, func(ctx context.Context, in *input) (*output, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		sp, err := s.Wallet.SwitchSmallPayments(ctx, id, in.Body.Enabled, in.Body.PaymentPassword)
		if err != nil {
			return nil, err
		}
		return &output{Body: sp}, nil
	})
}
