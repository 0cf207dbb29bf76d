package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// registerAdminClosureDecisions registers the decisions on a request: approve and reject (manual review), restore (GE-4).
func (s *Server) registerAdminClosureDecisions() {
	register(s, huma.Operation{OperationID: "admin-closure-approve", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/approve",
		Summary: "Approve a request waiting for manual review", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404, 409}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleReviewer, func(op *purse.Operator) (*closure.Flow, error) { return s.Closures.Approve(ctx, op, in.ID) })
		})

	register(s, huma.Operation{OperationID: "admin-closure-reject", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/reject",
		Summary: "Reject a request waiting for manual review", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404, 409}},
		func(ctx context.Context, in *rejectInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleReviewer, func(op *purse.Operator) (*closure.Flow, error) {
				return s.Closures.Reject(ctx, op, in.ID, in.Body.Reason)
			})
		})

	register(s, huma.Operation{OperationID: "admin-closure-restore", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/restore",
		Summary: "Restore the account during cooling-off (GE-4), with the reason and the identity check done", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404, 409, 422}},
		func(ctx context.Context, in *restoreInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleAgent, func(op *purse.Operator) (*closure.Flow, error) {
				return s.Closures.Restore(ctx, op, in.ID, closure.Restoration{Reason: in.Body.Reason, IdentityCheck: in.Body.IdentityCheck})
			})
		})
}
