package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type changePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" maxLength:"512"`
		NewPassword     string `json:"new_password" doc:"8 to 128 characters" maxLength:"512"`
	}
}

type changePaymentPasswordInput struct {
	Body struct {
		CurrentPaymentPassword string `json:"current_payment_password" maxLength:"16"`
		NewPaymentPassword     string `json:"new_payment_password" doc:"6 digits, not repeated or sequential, not the current one" maxLength:"16"`
	}
}

type revokedOutput struct {
	Body struct {
		Revoked int `json:"revoked" doc:"How many other sessions were signed out"`
	}
}

// registerSecurity adds the security settings (PW-6, GE-7, IM-8): changing both passwords and
// signing out every other device.
func (s *Server) registerSecurity() {
	register(s, huma.Operation{
		OperationID: "change-password", Method: http.MethodPut, Path: "/api/v1/me/password", DefaultStatus: 204,
		Summary: "Change the login password", Tags: []string{"Security"}, Security: bearer,
		Description: "Checks the current password (wrong tries count toward the sign-in lock), stores the new one " +
			"and signs out every other session; the caller's stays. The owner is notified.",
		Errors: []int{401, 422, 423},
	}, func(ctx context.Context, in *changePasswordInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.ChangePassword(ctx, p.Account.ID, p.Session.ID,
			in.Body.CurrentPassword, in.Body.NewPassword)
	})

	register(s, huma.Operation{
		OperationID: "change-payment-password", Method: http.MethodPut, Path: "/api/v1/me/payment-password",
		DefaultStatus: 204, Summary: "Change the payment password", Tags: []string{"Security"}, Security: bearer,
		Description: "Checks the current payment password (five wrong tries lock it) and stores the new one. The owner is notified.",
		Errors:      []int{401, 422, 423},
	}, func(ctx context.Context, in *changePaymentPasswordInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.ChangePaymentPassword(ctx, p.Account.ID,
			in.Body.CurrentPaymentPassword, in.Body.NewPaymentPassword)
	})

	register(s, huma.Operation{
		OperationID: "sign-out-others", Method: http.MethodDelete, Path: "/api/v1/sessions/others",
		Summary: "Sign out every other device", Tags: []string{"Security"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*revokedOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		n, err := s.Accounts.SignOutOthers(ctx, p.Account.ID, p.Session.ID)
		if err != nil {
			return nil, err
		}
		out := &revokedOutput{}
		out.Body.Revoked = n
		return out, nil
	})
}
