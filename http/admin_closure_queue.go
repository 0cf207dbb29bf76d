package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// registerAdminClosureQueue registers the support queue: open requests by deadline, an account's readiness, one request.
func (s *Server) registerAdminClosureQueue() {
	register(s, huma.Operation{OperationID: "admin-closures", Method: http.MethodGet, Path: "/api/v1/admin/closures",
		Summary: "Open closure requests, nearest legal deadline first", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403}},
		func(ctx context.Context, in *adminListInput) (*adminClosureList, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			cs, err := s.Closures.OpenRequests(ctx, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &adminClosureList{}
			out.Body.Closures = []adminClosureItem{}
			now := s.Clock.Now()
			for _, c := range cs {
				u := s.Closures.Urgency(c, now)
				out.Body.Closures = append(out.Body.Closures, adminClosureItem{ID: c.ID, AccountID: c.AccountID,
					State: string(c.State), Policy: c.Policy, Submitted: c.Submitted, CreatedAt: c.CreatedAt,
					Deadline: c.Deadline, DaysLeft: u.DaysLeft, WorkingDaysLeft: u.WorkingDaysLeft, DeadlineStatus: u.Status})
			}
			return out, nil
		})

	register(s, huma.Operation{OperationID: "admin-account-readiness", Method: http.MethodGet, Path: "/api/v1/admin/accounts/{id}/readiness",
		Summary: "Can this account close? Every blocker with its remedy", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*eligibilityOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			if !purse.ValidID(in.ID) {
				return nil, purse.Errorf(purse.CodeNotFound, "no account %s", in.ID)
			}
			bs, err := s.Closures.Readiness(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := &eligibilityOutput{}
			out.Body.Blockers = s.localizeBlockers(ctx, bs)
			out.Body.Eligible = len(closure.Blocking(bs)) == 0
			return out, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}",
		Summary: "A closure request with its history", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleAgent, func(op *purse.Operator) (*closure.Flow, error) {
				f, _, err := s.Closures.AdminView(ctx, op, in.ID)
				return f, err
			})
		})
}
