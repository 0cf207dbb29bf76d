package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify"
)

type outboxListInput struct {
	Status string    `query:"status" enum:"pending,sent,failed,expired" default:"failed"`
	Before time.Time `query:"before" doc:"Only messages created before this time; pass the previous page's last created_at"`
	Limit  int       `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type outboxListOutput struct {
	Body []notify.Summary
}

type outboxRequeueInput struct {
	ID string `path:"id" maxLength:"64"`
}

func (s *Server) registerAdminOutbox() {
	register(s, huma.Operation{
		OperationID: "admin-outbox", Method: http.MethodGet, Path: "/api/v1/admin/outbox",
		Summary: "List notifications by status", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Newest first; failed ones by default (expired: time-bound ones dropped unsent). Bodies are left out (they may hold one-time " +
			"codes) and recipients are masked.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *outboxListInput) (*outboxListOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
			return nil, err
		}
		list, err := notify.List(ctx, s.Store, in.Status, in.Before, in.Limit)
		if err != nil {
			return nil, err
		}
		return &outboxListOutput{Body: list}, nil
	})

	register(s, huma.Operation{
		OperationID: "admin-outbox-requeue", Method: http.MethodPost, Path: "/api/v1/admin/outbox/{id}/requeue",
		DefaultStatus: 204, Summary: "Send a failed notification again", Tags: []string{"Admin"},
		Security: adminBearer, Errors: []int{401, 403, 404},
	}, func(ctx context.Context, in *outboxRequeueInput) (*emptyOutput, error) {
		o, err := operatorWith(ctx, purse.RoleAgent)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, notify.Requeue(ctx, s.Store, o.ID, in.ID)
	})
}
