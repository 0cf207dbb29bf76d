package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

type grantInput struct {
	Body struct {
		AccountID string `json:"account_id" maxLength:"64"`
		Amount    int64  `json:"amount" minimum:"1" maximum:"1000000000000"`
		Memo      string `json:"memo,omitempty" required:"false" maxLength:"200"`
	}
}

// adminWallet registers an operator route on the wallet; the actor is "operator:<id>".
func adminWallet[I, O any](s *Server, op huma.Operation, do func(ctx context.Context, actor string, in *I) (*O, error)) {
	op.Tags, op.Security = []string{"Admin: wallet"}, adminBearer
	op.Errors = []int{401, 403, 404, 409, 422}
	mayBeHeld(s, &op) // every wallet operation of an operator creates or releases value
	register(s, op, func(ctx context.Context, in *I) (*O, error) {
		o, err := operatorWith(ctx, purse.RoleAgent)
		if err != nil {
			return nil, err
		}
		return do(ctx, "operator:"+o.ID, in)
	})
}

func (s *Server) registerAdminWallet() {
	type booksOutput struct {
		Body []wallet.OperatorBook
	}
	register(s, huma.Operation{OperationID: "admin-operator-books", Method: http.MethodGet,
		Path: "/api/v1/admin/ledger/operator-books", Summary: "The operator's books, each summed over its sub-books",
		Description: "The other side of every user book (the bank, the fund custodian, the issuers, withdrawals in " +
			"flight, swept leftovers), by owner and currency, in fen. Each book is kept in several sub-books, so that " +
			"concurrent top-ups and withdrawals do not wait on one row; this is their sum.",
		Tags: []string{"Admin: wallet"}, Security: adminBearer, Errors: []int{401, 403}},
		func(ctx context.Context, _ *struct{}) (*booksOutput, error) {
			books, err := s.Wallet.OperatorBooks(ctx)
			if err != nil {
				return nil, err
			}
			return &booksOutput{Body: books}, nil
		})
	for _, g := range []struct {
		id, path string
		book     purse.Book
	}{
		{"admin-grant-points", "/api/v1/admin/points/grants", purse.BookPoints},
		{"admin-grant-stored", "/api/v1/admin/stored/grants", purse.BookStored},
	} {
		adminWallet(s, huma.Operation{OperationID: g.id, Method: http.MethodPost, Path: g.path, DefaultStatus: 201,
			Summary: "Grant " + string(g.book) + " to an account"},
			func(ctx context.Context, actor string, in *grantInput) (*txOutput, error) {
				t, err := s.Wallet.Grant(ctx, actor, in.Body.AccountID, g.book, in.Body.Amount, in.Body.Memo)
				if err != nil {
					return nil, err
				}
				return &txOutput{Body: t}, nil
			})
	}

	type lineInput struct {
		Body struct {
			AccountID string `json:"account_id" maxLength:"64"`
			Limit     int64  `json:"limit" minimum:"1" maximum:"1000000000000" doc:"Credit limit in fen"`
		}
	}
	type lineOutput struct {
		Body *purse.CreditLine
	}
	adminWallet(s, huma.Operation{OperationID: "admin-open-credit-line", Method: http.MethodPost,
		Path: "/api/v1/admin/credit-lines", DefaultStatus: 201, Summary: "Open a credit line (AP-8.5)"},
		func(ctx context.Context, actor string, in *lineInput) (*lineOutput, error) {
			l, err := s.Wallet.OpenCreditLine(ctx, actor, in.Body.AccountID, in.Body.Limit)
			if err != nil {
				return nil, err
			}
			return &lineOutput{Body: l}, nil
		})

	type settleInput struct {
		ID string `path:"id" maxLength:"64"`
	}
	adminWallet(s, huma.Operation{OperationID: "admin-settle-withdrawal", Method: http.MethodPost,
		Path: "/api/v1/admin/withdrawals/{id}/settle", Summary: "Settle a pending withdrawal now"},
		func(ctx context.Context, actor string, in *settleInput) (*txOutput, error) {
			t, err := s.Wallet.SettleWithdrawal(ctx, actor, in.ID)
			if err != nil {
				return nil, err
			}
			return &txOutput{Body: t}, nil
		})
}
