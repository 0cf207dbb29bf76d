package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

// registerPoints adds converting points into the balance and the rate it uses.
func (s *Server) registerPoints() {
	type convertInput struct {
		Body struct {
			Amount int64 `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Points to convert: a whole multiple of the rate's unit"`
		}
	}
	movement(s, "points-convert", "/api/v1/points/conversions",
		"Convert points into CNY in the balance, in whole units at the operator's rate (GET /api/v1/points/rate)",
		func(ctx context.Context, acct string, in *convertInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.ConvertPoints(ctx, acct, in.Body.Amount)
		})

	type rateOutput struct {
		Body struct {
			Unit      int64          `json:"unit" doc:"Points converted in one step; a conversion is a multiple of it"`
			UnitValue int64          `json:"unit_value" doc:"What one step pays, in minor units of currency"`
			Currency  purse.Currency `json:"currency"`
		}
	}
	register(s, huma.Operation{
		OperationID: "points-rate", Method: http.MethodGet, Path: "/api/v1/points/rate",
		Summary: "The rate at which points convert into the balance", Tags: []string{"Wallet"}, Security: bearer,
		Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*rateOutput, error) {
		if _, err := me(ctx); err != nil {
			return nil, err
		}
		out := &rateOutput{}
		out.Body.Unit, out.Body.UnitValue, out.Body.Currency = s.Wallet.Config.PointsUnit, s.Wallet.Config.PointsUnitValue, purse.CNY
		return out, nil
	})
}
