package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

func (s *Server) registerCredit() {
	movement(s, "credit-draw", "/api/v1/credit/draws", "Draw on the credit line (AP-8.5)",
		func(ctx context.Context, acct string, in *amountInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.DrawCredit(ctx, acct, in.Body.Amount)
		})
	movement(s, "credit-repay", "/api/v1/credit/repayments", "Repay credit-line debt from the balance",
		func(ctx context.Context, acct string, in *amountInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.RepayCredit(ctx, acct, in.Body.Amount)
		})

	type lineOutput struct {
		Body struct {
			*purse.CreditLine
			Debt int64 `json:"debt"`
		}
	}
	register(s, huma.Operation{
		OperationID: "credit-line", Method: http.MethodGet, Path: "/api/v1/credit/line",
		Summary: "The open credit line and its debt", Tags: []string{"Wallet"}, Security: bearer,
		Errors: []int{401, 409},
	}, func(ctx context.Context, _ *struct{}) (*lineOutput, error) {
		acct, err := me(ctx)
		if err != nil {
			return nil, err
		}
		l, debt, err := s.Wallet.CreditLine(ctx, acct)
		if err != nil {
			return nil, err
		}
		out := &lineOutput{}
		out.Body.CreditLine, out.Body.Debt = l, debt
		return out, nil
	})
	register(s, huma.Operation{
		OperationID: "close-credit-line", Method: http.MethodDelete, Path: "/api/v1/credit/line", DefaultStatus: 204,
		Summary: "Close the credit line (needs zero debt, GE-5)", Tags: []string{"Wallet"}, Security: bearer,
		Errors: []int{401, 409},
	}, func(ctx context.Context, _ *struct{}) (*emptyOutput, error) {
		acct, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Wallet.CloseCreditLine(ctx, acct)
	})
}
