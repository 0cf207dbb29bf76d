package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// Verifying the user's identity within a closure request: one-time codes and the answers.

type closureCodeInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Channel string `json:"channel" enum:"sms,email"`
	}
}

type verificationInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16"`
		SMSCode         string `json:"sms_code,omitempty" required:"false" maxLength:"12"`
		EmailCode       string `json:"email_code,omitempty" required:"false" maxLength:"12"`
		CaptchaID       string `json:"captcha_id,omitempty" required:"false" maxLength:"36"`
		CaptchaAnswer   string `json:"captcha_answer,omitempty" required:"false" maxLength:"12"`
	}
}

// registerClosureCode registers POST /api/v1/closures/{id}/codes.
func (s *Server) registerClosureCode() {
	register(s, huma.Operation{OperationID: "closure-code", Method: http.MethodPost, Path: "/api/v1/closures/{id}/codes", DefaultStatus: 201,
		Summary: "Send a one-time code by SMS or e-mail", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409, 422, 429}},
		func(ctx context.Context, in *closureCodeInput) (*codeOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			sent, err := s.Closures.SendCode(ctx, p.Account.ID, in.ID, purse.Channel(in.Body.Channel))
			if err != nil {
				return nil, err
			}
			return &codeOutput{Body: sent}, nil
		})
}

// registerClosureVerification registers POST /api/v1/closures/{id}/verification.
func (s *Server) registerClosureVerification() {
	register(s, huma.Operation{OperationID: "closure-verification", Method: http.MethodPost, Path: "/api/v1/closures/{id}/verification",
		Summary: "Verify identity (TP-4, TP-5, PW-2, AP-5, AP-6)", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409, 422, 423}},
		func(ctx context.Context, in *verificationInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				b := in.Body
				return s.Closures.Verify(ctx, acct, in.ID, closure.Answers{PaymentPassword: b.PaymentPassword,
					SMSCode: b.SMSCode, EmailCode: b.EmailCode, CaptchaID: b.CaptchaID, CaptchaAnswer: b.CaptchaAnswer})
			})
		})
}
