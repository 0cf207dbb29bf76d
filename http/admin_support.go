package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/blocker"
)

// Support's view of accounts, and the admin's configuration. Reading needs an agent; changing an
// account's kind a reviewer; platforms and operators an admin.

type overviewOutput struct{ Body *blocker.Overview }
type overviewsOutput struct {
	Body struct {
		Items []*blocker.Overview `json:"items"`
	}
}
type itemsOutput struct{ Body *blocker.Items }

type searchInput struct {
	Phone string `query:"phone" maxLength:"32" doc:"Exactly one of phone and email"`
	Email string `query:"email" maxLength:"254"`
}

type kindInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Kind purse.AccountKind `json:"kind" enum:"unverified,mobile,verified,merchant"`
	}
}

type platformInput struct {
	Name string `path:"name" maxLength:"32"`
	Body struct {
		WebhookURL string `json:"webhook_url" maxLength:"500" doc:"Told of a closure; empty for none"`
	}
}
type platformOutput struct{ Body *purse.Platform }

type createOperatorInput struct {
	Body struct {
		Username string     `json:"username" minLength:"3" maxLength:"64"`
		Role     purse.Role `json:"role" enum:"agent,reviewer,admin"`
		Password string     `json:"password" minLength:"12" maxLength:"512"`
	}
}
type createOperatorOutput struct {
	Body struct {
		Operator *purse.Operator `json:"operator"`
		Token    string          `json:"token" doc:"Shown once"`
	}
}

func (s *Server) registerAdminSupport() {
	tags := []string{"Admin: accounts"}
	op := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags,
			Security: adminBearer, DefaultStatus: status, Errors: []int{401, 403, 404, 409, 422}}
	}

	register(s, op("admin-search-accounts", http.MethodGet, "/api/v1/admin/accounts", "Find accounts by phone or e-mail", 200),
		func(ctx context.Context, in *searchInput) (*overviewsOutput, error) {
			o, err := operatorWith(ctx, purse.RoleAgent)
			if err != nil {
				return nil, err
			}
			out := &overviewsOutput{}
			if out.Body.Items, err = s.Blockers.Search(ctx, in.Phone, in.Email); err != nil {
				return nil, err
			}
			by := "phone"
			if in.Email != "" {
				by = "email"
			}
			return out, s.Blockers.Viewed(ctx, blocker.OperatorActor(o), audit.AdminAccountSearch, "",
				map[string]string{"by": by, "found": strconv.Itoa(len(out.Body.Items))})
		})
	register(s, op("admin-get-account", http.MethodGet, "/api/v1/admin/accounts/{id}", "An account's overview for support", 200),
		func(ctx context.Context, in *accountPath) (*overviewOutput, error) {
			o, err := operatorWith(ctx, purse.RoleAgent)
			if err != nil {
				return nil, err
			}
			v, err := s.Blockers.Overview(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &overviewOutput{Body: v}, s.Blockers.Viewed(ctx, blocker.OperatorActor(o), audit.AdminAccountView, in.ID, nil)
		})
	register(s, op("admin-account-services", http.MethodGet, "/api/v1/admin/accounts/{id}/services", "Every service item of an account", 200),
		func(ctx context.Context, in *accountPath) (*itemsOutput, error) {
			o, err := operatorWith(ctx, purse.RoleAgent)
			if err != nil {
				return nil, err
			}
			it, err := s.Blockers.Items(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &itemsOutput{Body: it}, s.Blockers.Viewed(ctx, blocker.OperatorActor(o), audit.AdminAccountServices, in.ID, nil)
		})
	register(s, op("admin-set-account-kind", http.MethodPut, "/api/v1/admin/accounts/{id}/kind", "Change an account's kind, e.g. to merchant (AP-6)", 200),
		func(ctx context.Context, in *kindInput) (*overviewOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			if err := s.Blockers.SetKind(ctx, blocker.OperatorActor(o), in.ID, in.Body.Kind); err != nil {
				return nil, err
			}
			v, err := s.Blockers.Overview(ctx, in.ID)
			return &overviewOutput{Body: v}, err
		})
	register(s, op("admin-set-platform", http.MethodPut, "/api/v1/admin/platforms/{name}", "Set a linked platform's closure webhook (AP-4)", 200),
		func(ctx context.Context, in *platformInput) (*platformOutput, error) {
			o, err := operatorWith(ctx, purse.RoleAdmin)
			if err != nil {
				return nil, err
			}
			p, err := s.Blockers.SetPlatform(ctx, blocker.OperatorActor(o), in.Name, in.Body.WebhookURL)
			return &platformOutput{Body: p}, err
		})
	register(s, op("admin-create-operator", http.MethodPost, "/api/v1/admin/operators", "Create an operator with a first API token", 201),
		func(ctx context.Context, in *createOperatorInput) (*createOperatorOutput, error) {
			o, err := operatorWith(ctx, purse.RoleAdmin)
			if err != nil {
				return nil, err
			}
			created, token, err := s.Operators.CreateBy(ctx, blocker.OperatorActor(o), in.Body.Username, in.Body.Role, in.Body.Password)
			if err != nil {
				return nil, err
			}
			out := &createOperatorOutput{}
			out.Body.Operator, out.Body.Token = created, token
			return out, nil
		})
}
