package http

import (
	"context"
	"net/http"
)

// registerLinkedAccounts registers the linked accounts on other platforms (AP-4, IM-3): link, see and unlink.
func (s *Server) registerLinkedAccounts() {
	register(s, serviceOp("link-account", http.MethodPost, "/api/v1/linked-accounts", "Link an account on another platform (AP-4, IM-3)", 201),
		func(ctx context.Context, in *linkInput) (*linkOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			l, err := s.Blockers.Link(ctx, p.Account.ID, in.Body.Platform, in.Body.ExternalID)
			return &linkOutput{Body: l}, err
		})

	register(s, serviceOp("list-linked-accounts", http.MethodGet, "/api/v1/linked-accounts", "Linked accounts", 200),
		func(ctx context.Context, _ *struct{}) (*linksOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &linksOutput{}
			out.Body.Items, err = s.Blockers.Links(ctx, p.Account.ID)
			return out, err
		})

	register(s, serviceOp("unlink-account", http.MethodDelete, "/api/v1/linked-accounts/{id}", "Unlink an account", 200),
		func(ctx context.Context, in *idInput) (*linkOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			l, err := s.Blockers.Unlink(ctx, p.Account.ID, in.ID)
			return &linkOutput{Body: l}, err
		})
}
