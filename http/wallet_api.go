package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type txOutput struct {
	Body *purse.LedgerTransaction
}

type balancesOutput struct {
	Body struct {
		Books []purse.BookBalance `json:"books"`
	}
}

// me returns the signed-in account id.
func me(ctx context.Context) (string, error) {
	p, err := caller(ctx)
	if err != nil {
		return "", err
	}
	return p.Account.ID, nil
}

func (s *Server) registerWallet() {
	s.registerCards()
	s.registerMovements()
	s.registerLedgerViews()
	s.registerCredit()
	s.registerPoints()
	s.registerSmallPayments()
}

func (s *Server) registerLedgerViews() {
	register(s, huma.Operation{
		OperationID: "balances", Method: http.MethodGet, Path: "/api/v1/balances",
		Summary: "Every book of the signed-in account", Tags: []string{"Wallet"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*balancesOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		books, err := s.Wallet.Balances(ctx, id)
		if err != nil {
			return nil, err
		}
		out := &balancesOutput{}
		out.Body.Books = books
		return out, nil
	})

	type listInput struct {
		Kind   string `query:"kind" required:"false" enum:"topup,withdrawal,transfer,fund_subscribe,fund_redeem,points_grant,points_spend,points_convert,stored_grant,stored_spend,credit_draw,credit_repay"`
		From   string `query:"from" required:"false" format:"date-time" doc:"Created at or after (RFC 3339)"`
		To     string `query:"to" required:"false" format:"date-time" doc:"Created before (RFC 3339)"`
		Cursor string `query:"cursor" required:"false" maxLength:"200" doc:"next_cursor of the previous page"`
		Limit  int    `query:"limit" required:"false" minimum:"1" maximum:"100" doc:"Page size, 20 by default"`
	}
	type listOutput struct {
		Body any
	}
	register(s, huma.Operation{
		OperationID: "transactions", Method: http.MethodGet, Path: "/api/v1/transactions",
		Summary: "The account's transactions, newest first", Tags: []string{"Wallet"}, Security: bearer,
		Errors: []int{401, 422},
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		f := purse.TxFilter{AccountID: id, Kind: purse.TxKind(in.Kind), Limit: in.Limit}
		if f.From, err = parseTime(in.From, "query.from"); err != nil {
			return nil, err
		}
		if f.To, err = parseTime(in.To, "query.to"); err != nil {
			return nil, err
		}
		page, err := s.Wallet.Transactions(ctx, f, in.Cursor)
		if err != nil {
			return nil, err
		}
		return &listOutput{Body: page}, nil
	})

	type oneInput struct {
		ID string `path:"id" maxLength:"64"`
	}
	register(s, huma.Operation{
		OperationID: "transaction", Method: http.MethodGet, Path: "/api/v1/transactions/{id}",
		Summary: "One transaction", Tags: []string{"Wallet"}, Security: bearer, Errors: []int{401, 404},
	}, func(ctx context.Context, in *oneInput) (*txOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.Wallet.Transaction(ctx, id, in.ID)
		if err != nil {
			return nil, err
		}
		return &txOutput{Body: t}, nil
	})
}
