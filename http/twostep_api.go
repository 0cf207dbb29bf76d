package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

type twoStepSignInInput struct {
	Body struct {
		Challenge      string `json:"challenge" maxLength:"100" doc:"two_step.challenge from POST /api/v1/sessions"`
		Method         string `json:"method" enum:"totp,sms,recovery_code"`
		Code           string `json:"code" maxLength:"20" doc:"The authenticator's or SMS's 6 digits, or a recovery code"`
		RememberDevice bool   `json:"remember_device,omitempty" required:"false" doc:"Remember this device: its next sign-ins need no second step"`
	}
}

type twoStepOutput struct {
	Body *account.TwoStepStatus
}

type totpSetupOutput struct {
	Body *account.TOTPSetup
}

type twoStepCodeInput struct {
	Body struct {
		Code string `json:"code" maxLength:"20"`
	}
}

type recoveryCodesOutput struct {
	Body struct {
		RecoveryCodes []string `json:"recovery_codes" doc:"Shown once: each signs in once when the phone is lost"`
	}
}

type smsNewDeviceInput struct {
	Body struct {
		Enabled bool `json:"enabled"`
	}
}

type devicesOutput struct {
	Body struct {
		Devices []*purse.Device `json:"devices"`
	}
}

type deviceInput struct {
	ID string `path:"id" maxLength:"64"`
}

// registerTwoStep adds two-step verification (GE-7, issue 14): the sign-in's second step, the
// authenticator app with its recovery codes, SMS codes on a new device, and the remembered devices.
func (s *Server) registerTwoStep() {
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
		Summary: "Turn the authenticator app off", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 409, 422},
		Description: "Needs a current code from the app or a recovery code; the recovery codes are deleted.",
	}, func(ctx context.Context, in *twoStepCodeInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.DisableTOTP(ctx, p.Account.ID, in.Body.Code)
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

	register(s, huma.Operation{
		OperationID: "devices", Method: http.MethodGet, Path: "/api/v1/security/devices",
		Summary: "Remembered devices", Tags: []string{"Security"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*devicesOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		ds, err := s.Accounts.Devices(ctx, p.Account.ID)
		out := &devicesOutput{}
		out.Body.Devices = ds
		if out.Body.Devices == nil {
			out.Body.Devices = []*purse.Device{}
		}
		return out, err
	})

	register(s, huma.Operation{
		OperationID: "revoke-device", Method: http.MethodDelete, Path: "/api/v1/security/devices/{id}", DefaultStatus: 204,
		Summary: "Forget a device and sign it out", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 404},
	}, func(ctx context.Context, in *deviceInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.RevokeDevice(ctx, p.Account.ID, in.ID)
	})
}
