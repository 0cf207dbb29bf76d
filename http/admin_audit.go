package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

type auditInput struct {
	Subject string `query:"subject" maxLength:"64" doc:"Only events about this account id (pseudonymous after purge)"`
	After   int64  `query:"after" minimum:"0" doc:"Return events after this seq; pass the previous page's next_after"`
	Limit   int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type auditPage struct {
	Events []*purse.AuditEvent `json:"events"`
	// NextAfter is the seq to pass as after for the next page; 0 when this page is the last.
	NextAfter int64 `json:"next_after"`
}

type auditOutput struct {
	Body auditPage
}

func (s *Server) registerAdminAudit() {
	register(s, huma.Operation{
		OperationID: "admin-audit", Method: http.MethodGet, Path: "/api/v1/admin/audit",
		Summary: "Read the audit log", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Events of the hash-chained audit log in chain order, optionally for one account. " +
			"`purse audit verify` checks the chain.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *auditInput) (*auditOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
			return nil, err
		}
		events, err := audit.Events(ctx, s.Store, in.Subject, in.After, in.Limit)
		if err != nil {
			return nil, err
		}
		out := &auditOutput{Body: auditPage{Events: events}}
		if out.Body.Events == nil {
			out.Body.Events = []*purse.AuditEvent{}
		}
		if len(events) == in.Limit {
			out.Body.NextAfter = events[len(events)-1].Seq
		}
		return out, nil
	})
}
