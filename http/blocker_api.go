package http

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
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

// serviceOp is an operation of the user's side of the services: a session token, the services'
// tag and their errors.
func serviceOp(id, method, path, summary string, status int) huma.Operation {
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{"Services"},
		Security: bearer, DefaultStatus: status, Errors: []int{401, 404, 409, 422}}
}

// registerBlockers registers the user's side of the services that can block a closure, one
// resource a file.
func (s *Server) registerBlockers() {
	s.registerAutoDebits()
	s.registerContracts()
	s.registerLinkedAccounts()
	s.registerServiceLists()
	s.registerOneClickPay()
}
