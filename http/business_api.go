package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

// Business in progress (AP-8.7): phone change (signed in) and password recovery (signed out).

type flowOutput struct{ Body *purse.BusinessFlow }
type flowsOutput struct {
	Body struct {
		Items []*purse.BusinessFlow `json:"items"`
	}
}

type phoneChangeInput struct {
	Body struct {
		NewPhone string `json:"new_phone" doc:"The new phone; the code goes there" minLength:"1" maxLength:"32"`
	}
}

type codeInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Code string `json:"code" doc:"The 6-digit code sent by SMS" pattern:"^[0-9]{6}$"`
	}
}

type recoveryInput struct {
	Body struct {
		Login string `json:"login" doc:"Phone number or e-mail" minLength:"1" maxLength:"254"`
	}
}

type recoveryConfirmInput struct {
	Body struct {
		Login       string `json:"login" minLength:"1" maxLength:"254"`
		Code        string `json:"code" pattern:"^[0-9]{6}$"`
		NewPassword string `json:"new_password" doc:"8 to 128 characters" maxLength:"512"`
	}
}

type acceptedOutput struct {
	Body struct {
		Status string `json:"status" doc:"Always accepted: whether the login exists is not told"`
	}
}

func (s *Server) registerBusiness() {
	tags := []string{"Business in progress"}
	user := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags,
			Security: bearer, DefaultStatus: status, Errors: []int{401, 404, 409, 422, 429}}
	}

	register(s, user("list-business", http.MethodGet, "/api/v1/business", "Business in progress and past", 200),
		func(ctx context.Context, _ *struct{}) (*flowsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &flowsOutput{}
			out.Body.Items, err = s.Business.List(ctx, p.Account.ID)
			return out, err
		})
	register(s, user("start-phone-change", http.MethodPost, "/api/v1/business/phone-change", "Start a phone-number change: a code goes to the new phone", 201),
		func(ctx context.Context, in *phoneChangeInput) (*flowOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			f, err := s.Business.StartPhoneChange(ctx, p.Account.ID, in.Body.NewPhone)
			return &flowOutput{Body: f}, err
		})
	register(s, user("confirm-business", http.MethodPost, "/api/v1/business/{id}/confirm", "Confirm a phone change with its code", 200),
		func(ctx context.Context, in *codeInput) (*flowOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			f, err := s.Business.ConfirmPhoneChange(ctx, p.Account.ID, in.ID, in.Body.Code)
			return &flowOutput{Body: f}, err
		})
	register(s, user("resend-business-code", http.MethodPost, "/api/v1/business/{id}/code", "Send a fresh code", 200),
		func(ctx context.Context, in *idInput) (*flowOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			f, err := s.Business.Resend(ctx, p.Account.ID, in.ID)
			return &flowOutput{Body: f}, err
		})
	register(s, user("cancel-business", http.MethodDelete, "/api/v1/business/{id}", "Cancel business in progress", 200),
		func(ctx context.Context, in *idInput) (*flowOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			f, err := s.Business.Cancel(ctx, p.Account.ID, in.ID)
			return &flowOutput{Body: f}, err
		})

	register(s, huma.Operation{OperationID: "start-password-recovery", Method: http.MethodPost,
		Path: "/api/v1/business/password-recovery", DefaultStatus: 202, Tags: tags,
		Summary:     "Start a password recovery",
		Description: "Sends a code to the account's phone. Always 202, so the answer does not tell whether the login exists; 429 when the client address has started too many recoveries today.",
		Errors:      []int{422, 429}, Security: public,
	}, func(ctx context.Context, in *recoveryInput) (*acceptedOutput, error) {
		// The cap per client address comes first and answers alike for every login: it tells nothing.
		if err := s.Business.LimitClientIP(ctx, "password-recovery", clientIP(ctx)); err != nil {
			return nil, err
		}
		if err := s.Business.StartRecovery(ctx, in.Body.Login); err != nil {
			return nil, err
		}
		out := &acceptedOutput{}
		out.Body.Status = "accepted"
		return out, nil
	})
	register(s, huma.Operation{OperationID: "confirm-password-recovery", Method: http.MethodPost,
		Path: "/api/v1/business/password-recovery/confirm", DefaultStatus: 204, Tags: tags,
		Summary: "Set a new login password with the recovery code; every session is signed out",
		Errors:  []int{422, 429}, Security: public,
	}, func(ctx context.Context, in *recoveryConfirmInput) (*emptyOutput, error) {
		return &emptyOutput{}, s.Business.ConfirmRecovery(ctx, in.Body.Login, in.Body.Code, in.Body.NewPassword)
	})
}
