package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse/closure"
)

// The steps of a closure request: the agreement, the rights given up, the e-mail link, the
// submission for review, and cancelling (or keeping the account during cooling-off).

type agreementInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Accept bool `json:"accept" doc:"The \"I have read and fully agree\" tick (TP-3)"`
	}
}

type rightsInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Confirm bool `json:"confirm" doc:"The user gives up the rights listed (AP-4)"`
	}
}

type confirmInput struct {
	Body struct {
		Token string `json:"token" maxLength:"100"`
	}
}

// registerClosureAgreement registers POST /api/v1/closures/{id}/agreement.
func (s *Server) registerClosureAgreement() {
	register(s, huma.Operation{OperationID: "closure-agreement", Method: http.MethodPost, Path: "/api/v1/closures/{id}/agreement",
		Summary: "Accept the closure agreement (TP-3)", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *agreementInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.Accept(ctx, acct, in.ID, in.Body.Accept, closure.Env{})
			})
		})
}

// registerClosureRights registers POST /api/v1/closures/{id}/rights.
func (s *Server) registerClosureRights() {
	register(s, huma.Operation{OperationID: "closure-rights", Method: http.MethodPost, Path: "/api/v1/closures/{id}/rights",
		Summary: "Give up the rights listed (AP-4)", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *rightsInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.ConfirmRights(ctx, acct, in.ID, in.Body.Confirm)
			})
		})
}

// registerClosureConfirm registers POST /api/v1/closures/confirm.
func (s *Server) registerClosureConfirm() {
	register(s, huma.Operation{OperationID: "closure-confirm", Method: http.MethodPost, Path: "/api/v1/closures/confirm",
		Summary: "Confirm by the e-mail link (IM-2)", Description: "The link's token is the proof; no session needed.",
		Tags: closureTags, Errors: []int{409, 422}, Security: public},
		func(ctx context.Context, in *confirmInput) (*closureOutput, error) {
			f, err := s.Closures.ConfirmLink(ctx, in.Body.Token)
			if err != nil {
				return nil, err
			}
			return &closureOutput{Body: s.renderFlow(ctx, f)}, nil
		})
}

// registerClosureSubmit registers POST /api/v1/closures/{id}/submit.
func (s *Server) registerClosureSubmit() {
	register(s, huma.Operation{OperationID: "closure-submit", Method: http.MethodPost, Path: "/api/v1/closures/{id}/submit",
		Summary: "Confirm closure: the review (AP-5, AP-7)", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Submit(ctx, acct, in.ID) })
		})
}

// registerClosureCancel registers POST /api/v1/closures/{id}/cancel.
func (s *Server) registerClosureCancel() {
	register(s, huma.Operation{OperationID: "closure-cancel", Method: http.MethodPost, Path: "/api/v1/closures/{id}/cancel",
		Summary: "Cancel, or keep my account during cooling-off", Tags: closureTags, Security: bearer, Errors: []int{401, 404, 409}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Cancel(ctx, acct, in.ID) })
		})
}
