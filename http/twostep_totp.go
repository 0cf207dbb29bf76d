package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// registerTOTP registers the authenticator app (RFC 6238): begin, confirm with its recovery codes, and turn off (GE-7, issue 14).
func (s *Server) registerTOTP() {
	register(s, huma.Operation{
		OperationID: "totp-begin", Method: http.MethodPost, Path: "/api/v1/security/totp", DefaultStatus: 201,
		Summary: "Set up an authenticator app", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 409},
		Description: "Returns a new secret (and its otpauth:// URL) to enter in the app; confirm with a first code.",
	}, func(ctx context.Context, _ *struct{}) (*totpSetupOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		setup, err := s.Accounts.BeginTOTP(ctx, p.Account.ID)
		return &totpSetupOutput{Body: setup}, err
	})

	register(s, huma.Operation{
		OperationID: "totp-confirm", Method: http.MethodPost, Path: "/api/v1/security/totp/confirm",
		Summary: "Turn the authenticator app on", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 409, 422},
		Description: "Checks a first code from the app and returns ten recovery codes, shown once.",
	}, func(ctx context.Context, in *twoStepCodeInput) (*recoveryCodesOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		codes, err := s.Accounts.ConfirmTOTP(ctx, p.Account.ID, in.Body.Code)
		if err != nil {
			return nil, err
		}
		out := &recoveryCodesOutput{}
		out.Body.RecoveryCodes = codes
		return out, nil
	})

	register(s, huma.Operation{
		OperationID: "totp-disable", Method: http.MethodPost, Path: "/api/v1/security/totp/disable", DefaultStatus: 204,
		Summary: "Turn the authenticator app off", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 409, 422, 423},
		Description: "Needs the login password and a current code from the app or a recovery code; the recovery codes are deleted. " +
			"A wrong password or code counts toward the sign-in lock.",
	}, func(ctx context.Context, in *totpDisableInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.DisableTOTP(ctx, p.Account.ID, in.Body.Password, in.Body.Code)
	})
}
