package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type legalHoldInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500" doc:"Why the hold is placed or lifted (case or order number); audited."`
	}
}

type legalHoldOutput struct {
	Body struct {
		AccountID string `json:"account_id"`
		LegalHold bool   `json:"legal_hold"`
	}
}

// registerLegalHold adds the operator's legal hold: while it is placed, no retention purge touches
// the account (DESIGN.md §3). Reviewers and admins may set it.
func (s *Server) registerLegalHold() {
	set := func(hold bool) func(context.Context, *legalHoldInput) (*legalHoldOutput, error) {
		return func(ctx context.Context, in *legalHoldInput) (*legalHoldOutput, error) {
			op, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			if !purse.ValidID(in.ID) {
				return nil, purse.Errorf(purse.CodeNotFound, "no account %s", in.ID)
			}
			a, err := s.Lifecycle.SetLegalHold(ctx, op, in.ID, hold, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			out := &legalHoldOutput{}
			out.Body.AccountID, out.Body.LegalHold = a.ID, a.LegalHold
			return out, nil
		}
	}
	register(s, huma.Operation{
		OperationID: "admin-place-legal-hold", Method: http.MethodPut, Path: "/api/v1/admin/accounts/{id}/legal-hold",
		Summary: "Place a legal hold", Description: "Stops every retention purge of the account until lifted.",
		Tags: []string{"Admin"}, Security: adminBearer, Errors: []int{401, 403, 404, 409},
	}, set(true))
	register(s, huma.Operation{
		OperationID: "admin-lift-legal-hold", Method: http.MethodDelete, Path: "/api/v1/admin/accounts/{id}/legal-hold",
		Summary: "Lift a legal hold", Description: "Lets the retention purges proceed; a purge already due runs at the next job run.",
		Tags: []string{"Admin"}, Security: adminBearer, Errors: []int{401, 403, 404, 409},
	}, set(false))
}
