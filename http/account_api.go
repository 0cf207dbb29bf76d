package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
)

type startRegistrationInput struct {
	Body struct {
		Phone    string `json:"phone" doc:"Mainland mobile (11 digits starting with 1) or E.164" maxLength:"32"`
		Language string `json:"language,omitempty" required:"false" enum:"zh-CN,en" doc:"Language of the SMS"`
	}
}

type registerInput struct {
	Body struct {
		Code            string `json:"code" pattern:"^[0-9]{6}$" doc:"The code sent by POST /api/v1/registrations"`
		Phone           string `json:"phone" doc:"Mainland mobile (11 digits starting with 1) or E.164" maxLength:"32"`
		Email           string `json:"email,omitempty" required:"false" format:"email" maxLength:"254"`
		Password        string `json:"password" doc:"Login password, 8 to 128 characters" maxLength:"512"`
		PaymentPassword string `json:"payment_password" doc:"6 digits, not repeated or sequential" maxLength:"16"`
		Name            string `json:"name,omitempty" required:"false" maxLength:"100"`
		Language        string `json:"language,omitempty" required:"false" enum:"zh-CN,en" doc:"Language of notifications"`
	}
}

type accountOutput struct {
	Body *purse.Account
}

type signInInput struct {
	Body struct {
		Login          string `json:"login" doc:"Phone number or e-mail" maxLength:"254"`
		Password       string `json:"password" maxLength:"512"`
		DeviceToken    string `json:"device_token,omitempty" required:"false" maxLength:"100" doc:"The device_token an earlier sign-in returned: a known device needs no second step"`
		DeviceLabel    string `json:"device_label,omitempty" required:"false" maxLength:"200" doc:"How the holder will recognise this device on the security page"`
		RememberDevice bool   `json:"remember_device,omitempty" required:"false" doc:"Remember this device and return its device_token"`
	}
}

type signInOutput struct {
	Status int
	Body   *account.SignedIn
}

type emptyOutput struct{}

func (s *Server) registerAccounts() {
	register(s, huma.Operation{
		OperationID: "start-registration", Method: http.MethodPost, Path: "/api/v1/registrations", DefaultStatus: 202,
		Summary: "Start a registration", Tags: []string{"Accounts"}, Errors: []int{422}, Security: public,
		Description: "Sends a registration code by SMS to the phone. The answer is the same whether the phone " +
			"already has a wallet or not: a taken phone's holder is told by SMS that someone tried, and gets no code.",
	}, func(ctx context.Context, in *startRegistrationInput) (*acceptedOutput, error) {
		if err := s.Accounts.StartRegistration(ctx, in.Body.Phone, in.Body.Language); err != nil {
			return nil, err
		}
		out := &acceptedOutput{}
		out.Body.Status = "accepted"
		return out, nil
	})

	register(s, huma.Operation{
		OperationID: "register", Method: http.MethodPost, Path: "/api/v1/accounts", DefaultStatus: 201,
		Summary: "Register an account", Tags: []string{"Accounts"}, Errors: []int{422}, Security: public,
		Description: "Makes the account with the code sent by POST /api/v1/registrations. A wrong, expired or " +
			"unknown code, and a phone that already has a wallet, all answer OTP_INVALID. An e-mail that belongs to " +
			"another wallet is left out and its holder told.",
	}, func(ctx context.Context, in *registerInput) (*accountOutput, error) {
		a, err := s.Accounts.CompleteRegistration(ctx, account.Registration{
			Phone: in.Body.Phone, Email: in.Body.Email, Password: in.Body.Password,
			PaymentPassword: in.Body.PaymentPassword, Name: in.Body.Name, Language: in.Body.Language,
		}, in.Body.Code)
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: a}, nil
	})

	register(s, huma.Operation{
		OperationID: "sign-in", Method: http.MethodPost, Path: "/api/v1/sessions", DefaultStatus: 201,
		Summary: "Sign in", Description: "Opens a session (201); send its token as `Authorization: Bearer`. When the " +
			"account has two-step verification on (or the operator requires it) and the device is not known, answers " +
			"202 with `two_step` instead: send its challenge with a code to POST /api/v1/sessions/two-step.",
		Tags: []string{"Accounts"}, Errors: []int{401, 403, 423}, Security: public,
	}, func(ctx context.Context, in *signInInput) (*signInOutput, error) {
		out, err := s.Accounts.SignInOn(ctx, in.Body.Login, in.Body.Password, account.DeviceHint{
			Token: in.Body.DeviceToken, Label: in.Body.DeviceLabel, Remember: in.Body.RememberDevice})
		if err != nil {
			return nil, err
		}
		if out.TwoStep != nil {
			// The password was right; the second step (GE-7) opens the session.
			return &signInOutput{Status: http.StatusAccepted, Body: out}, nil
		}
		return &signInOutput{Status: http.StatusCreated, Body: out}, nil
	})

	register(s, huma.Operation{
		OperationID: "sign-out", Method: http.MethodDelete, Path: "/api/v1/sessions/current", DefaultStatus: 204,
		Summary: "Sign out", Tags: []string{"Accounts"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.SignOut(ctx, p.Session.ID)
	})

	register(s, huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: "/api/v1/me",
		Summary: "The signed-in account", Tags: []string{"Accounts"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*accountOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.Accounts.Get(ctx, p.Account.ID)
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: a}, nil
	})
}
