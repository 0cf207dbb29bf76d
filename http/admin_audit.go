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
	Chain   int    `query:"chain" minimum:"0" maximum:"15" doc:"With after: return events after this chain's event; pass the previous page's next_chain"`
	After   int64  `query:"after" minimum:"0" doc:"Return events after this seq of chain; pass the previous page's next_after"`
	Limit   int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type auditPage struct {
	Events []*purse.AuditEvent `json:"events"`
	// NextChain and NextAfter are the chain and seq to pass for the next page; NextAfter is 0
	// when this page is the last.
	NextChain int   `json:"next_chain"`
	NextAfter int64 `json:"next_after"`
}

type auditOutput struct {
	Body auditPage
}

type auditVerifyOutput struct {
	Body struct {
		Intact      bool     `json:"intact"`
		Events      int64    `json:"events" doc:"Events checked"`
		Chain       int      `json:"chain,omitempty" doc:"The chain of the first broken event"`
		FirstBroken int64    `json:"first_broken,omitempty" doc:"Seq of the first broken event in its chain"`
		Reason      string   `json:"reason,omitempty"`
		Heads       []string `json:"heads" doc:"Every chain's head as an anchor, CHAIN:SEQ:HASH (SEQ:HASH for chain 0): keep them outside the database"`
	}
}

func (s *Server) registerAdminAudit() {
	register(s, huma.Operation{
		OperationID: "admin-audit", Method: http.MethodGet, Path: "/api/v1/admin/audit",
		Summary: "Read the audit log", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Events of the hash-chained audit log, by chain and then in chain order, optionally for one account " +
			"(an account's events are in one chain, and in chain 0 before it for those recorded before the log had chains). " +
			"`purse audit verify` checks the chain.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *auditInput) (*auditOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
			return nil, err
		}
		events, err := audit.Events(ctx, s.Store, in.Subject, purse.AuditPos{Chain: in.Chain, Seq: in.After}, in.Limit)
		if err != nil {
			return nil, err
		}
		out := &auditOutput{Body: auditPage{Events: events}}
		if out.Body.Events == nil {
			out.Body.Events = []*purse.AuditEvent{}
		}
		if len(events) == in.Limit {
			last := events[len(events)-1]
			out.Body.NextChain, out.Body.NextAfter = last.Chain, last.Seq
		}
		return out, nil
	})

	register(s, huma.Operation{
		OperationID: "admin-audit-verify", Method: http.MethodGet, Path: "/api/v1/admin/audit/verify",
		Summary: "Verify the audit chains", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Walks every chain, like `purse audit verify`; admins only, as it reads every event.",
		Errors:      []int{401, 403},
	}, func(ctx context.Context, _ *struct{}) (*auditVerifyOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAdmin); err != nil {
			return nil, err
		}
		heads, err := audit.Heads(ctx, s.Store)
		if err != nil {
			return nil, err
		}
		r, err := audit.Check(ctx, s.Store)
		if err != nil {
			return nil, err
		}
		out := &auditVerifyOutput{}
		out.Body.Intact, out.Body.Events, out.Body.FirstBroken, out.Body.Reason = r.FirstBroken == 0, r.Events, r.FirstBroken, r.Reason
		if r.FirstBroken != 0 {
			out.Body.Chain = r.Chain
		}
		for _, h := range heads {
			out.Body.Heads = append(out.Body.Heads, h.String())
		}
		return out, nil
	})
}
