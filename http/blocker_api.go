package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
)

// The user's side of the services that can block a closure (AP-8, TP-1, IM-3): see them, and end
// the ones the user may end. Every item is read by its id AND the caller's account id, so another
// account's id is a 404.

type idInput struct {
	ID string `path:"id" maxLength:"36" doc:"The item's id"`
}

type autoDebitOutput struct{ Body *purse.AutoDebit }
type autoDebitsOutput struct {
	Body struct {
		Items []*purse.AutoDebit `json:"items"`
	}
}
type contractOutput struct{ Body *purse.Contract }
type contractsOutput struct {
	Body struct {
		Items []*purse.Contract `json:"items"`
	}
}
type linkOutput struct{ Body *purse.LinkedAccount }
type linksOutput struct {
	Body struct {
		Items []*purse.LinkedAccount `json:"items"`
	}
}
type disputeOutput struct{ Body *purse.Dispute }
type disputesOutput struct {
	Body struct {
		Items []*purse.Dispute `json:"items"`
	}
}
type flagOutput struct{ Body *purse.Flag }
type flagsOutput struct {
	Body struct {
		Items []*purse.Flag `json:"items"`
	}
}
type couponOutput struct{ Body *purse.Coupon }
type couponsOutput struct {
	Body struct {
		Items []*purse.Coupon `json:"items"`
	}
}

type linkInput struct {
	Body struct {
		Platform   string `json:"platform" doc:"The other platform, e.g. shop" minLength:"2" maxLength:"32" pattern:"^[a-z0-9][a-z0-9_-]+$"`
		ExternalID string `json:"external_id" doc:"The account's id on that platform" minLength:"1" maxLength:"128"`
	}
}

type terminationInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500" doc:"Why the merchant asks to end the contract early"`
	}
}

type oneClickBody struct {
	Enabled bool `json:"enabled" doc:"Password-free payment (TP-1)"`
}
type oneClickInput struct {
	Body struct {
		Enabled         bool   `json:"enabled" doc:"Password-free payment (TP-1)"`
		PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16" doc:"Required to switch it on (issue 13)"`
	}
}
type oneClickOutput struct{ Body oneClickBody }

func (s *Server) registerBlockers() {
	tags := []string{"Services"}
	user := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags,
			Security: bearer, DefaultStatus: status, Errors: []int{401, 404, 409, 422}}
	}

	register(s, user("list-auto-debits", http.MethodGet, "/api/v1/auto-debits", "Auto-debit agreements (AP-8.4)", 200),
		func(ctx context.Context, _ *struct{}) (*autoDebitsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &autoDebitsOutput{}
			out.Body.Items, err = s.Blockers.AutoDebits(ctx, p.Account.ID)
			return out, err
		})
	register(s, user("cancel-auto-debit", http.MethodDelete, "/api/v1/auto-debits/{id}", "Cancel an auto-debit agreement", 200),
		func(ctx context.Context, in *idInput) (*autoDebitOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			a, err := s.Blockers.CancelAutoDebit(ctx, blocker.AccountActor(p.Account.ID), p.Account.ID, in.ID)
			return &autoDebitOutput{Body: a}, err
		})

	register(s, user("list-contracts", http.MethodGet, "/api/v1/contracts", "Merchant contracts (AP-8.9)", 200),
		func(ctx context.Context, _ *struct{}) (*contractsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &contractsOutput{}
			out.Body.Items, err = s.Blockers.Contracts(ctx, p.Account.ID)
			return out, err
		})

	register(s, user("request-contract-termination", http.MethodPost, "/api/v1/contracts/{id}/termination-request",
		"Ask support to end a contract before its term (AP-8.9); support decides", 202),
		func(ctx context.Context, in *terminationInput) (*contractOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.Blockers.RequestTermination(ctx, p.Account.ID, in.ID, in.Body.Reason)
			return &contractOutput{Body: c}, err
		})

	register(s, user("link-account", http.MethodPost, "/api/v1/linked-accounts", "Link an account on another platform (AP-4, IM-3)", 201),
		func(ctx context.Context, in *linkInput) (*linkOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			l, err := s.Blockers.Link(ctx, p.Account.ID, in.Body.Platform, in.Body.ExternalID)
			return &linkOutput{Body: l}, err
		})
	register(s, user("list-linked-accounts", http.MethodGet, "/api/v1/linked-accounts", "Linked accounts", 200),
		func(ctx context.Context, _ *struct{}) (*linksOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &linksOutput{}
			out.Body.Items, err = s.Blockers.Links(ctx, p.Account.ID)
			return out, err
		})
	register(s, user("unlink-account", http.MethodDelete, "/api/v1/linked-accounts/{id}", "Unlink an account", 200),
		func(ctx context.Context, in *idInput) (*linkOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			l, err := s.Blockers.Unlink(ctx, p.Account.ID, in.ID)
			return &linkOutput{Body: l}, err
		})

	register(s, user("list-disputes", http.MethodGet, "/api/v1/disputes", "Disputes and restrictions (AP-8.8)", 200),
		func(ctx context.Context, _ *struct{}) (*disputesOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &disputesOutput{}
			out.Body.Items, err = s.Blockers.Disputes(ctx, p.Account.ID)
			return out, err
		})
	register(s, user("list-flags", http.MethodGet, "/api/v1/flags", "Agreement flags (AP-8.6)", 200),
		func(ctx context.Context, _ *struct{}) (*flagsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &flagsOutput{}
			out.Body.Items, err = s.Blockers.Flags(ctx, p.Account.ID)
			return out, err
		})
	register(s, user("list-coupons", http.MethodGet, "/api/v1/coupons", "Coupons (lost at closure, TP-1)", 200),
		func(ctx context.Context, _ *struct{}) (*couponsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &couponsOutput{}
			out.Body.Items, err = s.Blockers.Coupons(ctx, p.Account.ID)
			return out, err
		})

	register(s, user("get-one-click-pay", http.MethodGet, "/api/v1/settings/one-click-pay", "The one-click-pay switch (TP-1)", 200),
		func(ctx context.Context, _ *struct{}) (*oneClickOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			on, err := s.Blockers.OneClickPay(ctx, p.Account.ID)
			return &oneClickOutput{Body: oneClickBody{Enabled: on}}, err
		})
	set := user("set-one-click-pay", http.MethodPut, "/api/v1/settings/one-click-pay",
		"Switch one-click pay (password-free small payments) on with the payment password, or off (TP-1)", 200)
	set.Errors = append(set.Errors, 403, 423)
	register(s, set,
		func(ctx context.Context, in *oneClickInput) (*oneClickOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			if in.Body.Enabled {
				if _, err := s.Wallet.SwitchSmallPayments(ctx, p.Account.ID, true, in.Body.PaymentPassword); err != nil {
					return nil, err
				}
				return &oneClickOutput{Body: oneClickBody{Enabled: true}}, nil
			}
			err = s.Blockers.SwitchOffOneClickPay(ctx, p.Account.ID)
			return &oneClickOutput{Body: oneClickBody{Enabled: false}}, err
		})
}
