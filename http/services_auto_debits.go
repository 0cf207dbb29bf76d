package http

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse/blocker"
)

// registerAutoDebits registers the auto-debit agreements (AP-8.4): see them and cancel one.
func (s *Server) registerAutoDebits() {
	register(s, serviceOp("list-auto-debits", http.MethodGet, "/api/v1/auto-debits", "Auto-debit agreements (AP-8.4)", 200),
		func(ctx context.Context, _ *struct{}) (*autoDebitsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &autoDebitsOutput{}
			out.Body.Items, err = s.Blockers.AutoDebits(ctx, p.Account.ID)
			return out, err
		})

	register(s, serviceOp("cancel-auto-debit", http.MethodDelete, "/api/v1/auto-debits/{id}", "Cancel an auto-debit agreement", 200),
		func(ctx context.Context, in *idInput) (*autoDebitOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			a, err := s.Blockers.CancelAutoDebit(ctx, blocker.AccountActor(p.Account.ID), p.Account.ID, in.ID)
			return &autoDebitOutput{Body: a}, err
		})
}
