package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

func (s *Server) registerCards() {
	type bindInput struct {
		Body struct {
			Bank       string `json:"bank" minLength:"1" maxLength:"64"`
			CardNumber string `json:"card_number" minLength:"12" maxLength:"32" doc:"12 to 19 digits; spaces and dashes are ignored"`
			HolderName string `json:"holder_name" minLength:"1" maxLength:"100"`
		}
	}
	type cardOutput struct {
		Body *purse.Card
	}
	register(s, huma.Operation{
		OperationID: "bind-card", Method: http.MethodPost, Path: "/api/v1/cards", DefaultStatus: 201,
		Summary: "Bind a bank card for quick pay (TP-1)", Tags: []string{"Cards"}, Security: bearer,
		Errors: []int{401, 409, 422},
	}, func(ctx context.Context, in *bindInput) (*cardOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		c, err := s.Wallet.BindCard(ctx, id, in.Body.Bank, in.Body.CardNumber, in.Body.HolderName)
		if err != nil {
			return nil, err
		}
		return &cardOutput{Body: c}, nil
	})

	type cardsOutput struct {
		Body struct {
			Cards []purse.Card `json:"cards"`
		}
	}
	register(s, huma.Operation{
		OperationID: "cards", Method: http.MethodGet, Path: "/api/v1/cards",
		Summary: "Bound cards", Tags: []string{"Cards"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*cardsOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		cards, err := s.Wallet.Cards(ctx, id)
		if err != nil {
			return nil, err
		}
		out := &cardsOutput{}
		out.Body.Cards = cards
		return out, nil
	})

	type unbindInput struct {
		ID string `path:"id" maxLength:"64"`
	}
	register(s, huma.Operation{
		OperationID: "unbind-card", Method: http.MethodDelete, Path: "/api/v1/cards/{id}", DefaultStatus: 204,
		Summary: "Unbind a card", Tags: []string{"Cards"}, Security: bearer, Errors: []int{401, 404},
	}, func(ctx context.Context, in *unbindInput) (*emptyOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Wallet.UnbindCard(ctx, id, in.ID)
	})
}
