package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

func (s *Server) registerCards() {
	type bindInput struct {
		Body struct {
			Bank       string `json:"bank" minLength:"1" maxLength:"64"`
			CardNumber string `json:"card_number" minLength:"12" maxLength:"32" doc:"12 to 19 digits; spaces and dashes are ignored"`
			HolderName string `json:"holder_name" minLength:"1" maxLength:"100" doc:"On a verified account, the account's real name"`
			// Optional in the schema so that a missing one answers its own code, not a bare 422.
			PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16" doc:"The payment password: always required"`
			SMSCode         string `json:"sms_code,omitempty" required:"false" maxLength:"12" doc:"The code POST /api/v1/cards/codes sent to the bound phone: always required"`
		}
	}
	type cardOutput struct {
		Body *purse.Card
	}
	type codeOutput struct {
		Body *wallet.CardCodeSent
	}
	register(s, huma.Operation{
		OperationID: "send-card-code", Method: http.MethodPost, Path: "/api/v1/cards/codes", DefaultStatus: 201,
		Summary:     "Send the SMS code that binding a card needs to the account's phone",
		Description: "A new card needs the payment password and this code (issue 13): a session alone binds no card.",
		Tags:        []string{"Cards"}, Security: bearer, Errors: []int{401, 409, 429},
	}, func(ctx context.Context, _ *struct{}) (*codeOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		sent, err := s.Wallet.SendCardCode(ctx, id)
		if err != nil {
			return nil, err
		}
		return &codeOutput{Body: sent}, nil
	})

	register(s, huma.Operation{
		OperationID: "bind-card", Method: http.MethodPost, Path: "/api/v1/cards", DefaultStatus: 201,
		Summary:     "Bind a bank card for quick pay (TP-1)",
		Description: "Needs the payment password, the SMS code from POST /api/v1/cards/codes and, on a verified account, the account's real name as the holder.",
		Tags:        []string{"Cards"}, Security: bearer, Errors: []int{401, 403, 409, 422, 423},
	}, func(ctx context.Context, in *bindInput) (*cardOutput, error) {
		id, err := me(ctx)
		if err != nil {
			return nil, err
		}
		c, err := s.Wallet.BindCard(ctx, id, wallet.CardBinding{Bank: in.Body.Bank, Number: in.Body.CardNumber,
			Holder: in.Body.HolderName, PaymentPassword: in.Body.PaymentPassword, SMSCode: in.Body.SMSCode})
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
