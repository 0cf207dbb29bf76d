package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// registerSignInTwoStep registers the sign-in's second step, the account's two-step settings and SMS codes on a new device (GE-7, issue 14).
func (s *Server) registerSignInTwoStep() {
	register(s, huma.Operation{
		OperationID: "sign-in-two-step", Method: http.MethodPost, Path: "/api/v1/sessions/two-step", DefaultStatus: 201,
		Summary: "Answer a sign-in's second step", Tags: []string{"Accounts"}, Security: public,
		Description: "A wrong code spends one of the challenge's five tries and counts toward the sign-in lock.",
		Errors:      []int{403, 422, 423},
	}, func(ctx context.Context, in *twoStepSignInInput) (*signInOutput, error) {
		out, err := s.Accounts.CompleteSignIn(ctx, in.Body.Challenge, in.Body.Method, in.Body.Code, in.Body.RememberDevice)
		if err != nil {
			return nil, err
		}
		return &signInOutput{Status: http.StatusCreated, Body: out}, nil
	})

	register(s, huma.Operation{
		OperationID: "two-step", Method: http.MethodGet, Path: "/api/v1/security/two-step",
		Summary: "Two-step verification settings", Tags: []string{"Security"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*twoStepOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		st, err := s.Accounts.TwoStep(ctx, p.Account.ID)
		return &twoStepOutput{Body: st}, err
	})

	register(s, huma.Operation{
		OperationID: "sms-new-device", Method: http.MethodPut, Path: "/api/v1/security/two-step/sms", DefaultStatus: 204,
		Summary: "SMS code on sign-in from a new device", Tags: []string{"Security"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, in *smsNewDeviceInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.SetSMSNewDevice(ctx, p.Account.ID, in.Body.Enabled)
	})
}
