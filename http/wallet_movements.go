package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

type cardMoneyInput struct {
	Body struct {
		CardID   string `json:"card_id" maxLength:"64"`
		Amount   int64  `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Amount in minor units (fen for CNY): 1250 is 12.50"`
		Currency string `json:"currency,omitempty" required:"false" enum:"CNY" doc:"Currency; CNY, the default, is the only one"`
	}
}

type amountInput struct {
	Body struct {
		Amount   int64  `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Amount in minor units (fen for CNY): 1250 is 12.50"`
		Currency string `json:"currency,omitempty" required:"false" enum:"CNY" doc:"Currency; CNY, the default, is the only one"`
	}
}

type unitsInput struct {
	Body struct {
		Amount int64  `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Units to spend"`
		Memo   string `json:"memo,omitempty" required:"false" maxLength:"200"`
	}
}

// movement registers a user movement answering 201 with its transaction.
func movement[I any](s *Server, id, path, summary string, do func(ctx context.Context, account string, in *I) (*purse.LedgerTransaction, error)) {
	register(s, huma.Operation{
		OperationID: id, Method: http.MethodPost, Path: path, DefaultStatus: 201, Summary: summary,
		Tags: []string{"Wallet"}, Security: bearer, Errors: []int{401, 403, 404, 409, 422, 423},
	}, func(ctx context.Context, in *I) (*txOutput, error) {
		acct, err := me(ctx)
		if err != nil {
			return nil, err
		}
		t, err := do(ctx, acct, in)
		if err != nil {
			return nil, err
		}
		return &txOutput{Body: t}, nil
	})
}

func (s *Server) registerMovements() {
	movement(s, "topup", "/api/v1/topups", "Top up from a bound card",
		func(ctx context.Context, acct string, in *cardMoneyInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.Topup(ctx, acct, in.Body.CardID, in.Body.Amount)
		})
	type withdrawInput struct {
		Body struct {
			CardID          string `json:"card_id" maxLength:"64"`
			Amount          int64  `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Amount in minor units (fen for CNY): 1250 is 12.50"`
			Currency        string `json:"currency,omitempty" required:"false" enum:"CNY" doc:"Currency; CNY, the default, is the only one"`
			PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16" doc:"The payment password: always required (issue 13)"`
		}
	}
	movement(s, "withdraw", "/api/v1/withdrawals", "Withdraw to a bound card with the payment password; pending until the bank settles",
		func(ctx context.Context, acct string, in *withdrawInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.Withdraw(ctx, acct, in.Body.CardID, in.Body.Amount, in.Body.PaymentPassword)
		})

	type transferInput struct {
		IdempotencyKey string `header:"Idempotency-Key" required:"false" maxLength:"255"`
		Body           struct {
			To              string `json:"to" minLength:"1" maxLength:"64" doc:"The recipient's phone number or account id"`
			Memo            string `json:"memo,omitempty" required:"false" maxLength:"200"`
			PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16" doc:"Required above the operator's amount"`
			Amount          int64  `json:"amount" minimum:"1" maximum:"1000000000000" doc:"Amount in minor units (fen for CNY): 1250 is 12.50"`
			Currency        string `json:"currency,omitempty" required:"false" enum:"CNY" doc:"Currency; CNY, the default, is the only one"`
		}
	}
	movement(s, "transfer", "/api/v1/transfers", "Transfer to another account",
		func(ctx context.Context, acct string, in *transferInput) (*purse.LedgerTransaction, error) {
			r := wallet.TransferRequest{To: in.Body.To, Amount: in.Body.Amount, Memo: in.Body.Memo,
				PaymentPassword: in.Body.PaymentPassword}
			if in.IdempotencyKey != "" {
				// The request already runs in its own transaction with its stored answer.
				return s.Wallet.Transfer(ctx, acct, r)
			}
			return s.Wallet.TransferGrouped(ctx, acct, r)
		})
	movement(s, "fund-subscribe", "/api/v1/fund/subscriptions", "Move balance into the fund (AP-8.2)",
		func(ctx context.Context, acct string, in *amountInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.SubscribeFund(ctx, acct, in.Body.Amount)
		})
	movement(s, "fund-redeem", "/api/v1/fund/redemptions", "Redeem fund units; the cash arrives the next working day",
		func(ctx context.Context, acct string, in *amountInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.RedeemFund(ctx, acct, in.Body.Amount)
		})
	movement(s, "points-spend", "/api/v1/points/spend", "Spend points (AP-8.1)",
		func(ctx context.Context, acct string, in *unitsInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.Spend(ctx, acct, purse.BookPoints, in.Body.Amount, in.Body.Memo)
		})
	movement(s, "stored-spend", "/api/v1/stored/spend", "Spend stored value 宝点 (AP-8.10)",
		func(ctx context.Context, acct string, in *unitsInput) (*purse.LedgerTransaction, error) {
			return s.Wallet.Spend(ctx, acct, purse.BookStored, in.Body.Amount, in.Body.Memo)
		})
}
