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

type auditVerifyOutput struct {
	Body struct {
		Intact      bool   `json:"intact"`
		Events      int64  `json:"events" doc:"Events checked"`
		FirstBroken int64  `json:"first_broken,omitempty" doc:"Seq of the first broken event"`
		Reason      string `json:"reason,omitempty"`
		Head        string `json:"head" doc:"The head as an anchor, SEQ:HASH: keep it outside the database"`
	}
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

	register(s, huma.Operation{
		OperationID: "admin-audit-verify", Method: http.MethodGet, Path: "/api/v1/admin/audit/verify",
		Summary: "Verify the audit chain", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Walks the whole chain, like `purse audit verify`; admins only, as it reads every event.",
		Errors:      []int{401, 403},
	}, func(ctx context.Context, _ *struct{}) (*auditVerifyOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAdmin); err != nil {
			return nil, err
		}
		head, err := audit.Head(ctx, s.Store)
		if err != nil {
			return nil, err
		}
		r, err := audit.Check(ctx, s.Store)
		if err != nil {
			return nil, err
		}
		out := &auditVerifyOutput{}
		out.Body.Intact, out.Body.Events, out.Body.FirstBroken, out.Body.Reason = r.FirstBroken == 0, r.Events, r.FirstBroken, r.Reason
		out.Body.Head = head.String()
		return out, nil
	})
}
