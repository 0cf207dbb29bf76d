package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type operatorIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type operatorOutput struct {
	Body *purse.Operator
}

// registerAdminOperators serves operator management beyond creation (issue 13): the list, role
// changes, disabling and enabling, each operators.manage (admins) and audited; the last enabled
// admin can be neither demoted nor disabled (LAST_ADMIN).
func (s *Server) registerAdminOperators() {
	tags := []string{"Admin: operators"}
	errs := []int{401, 403, 404, 409, 422}
	type listOutput struct{ Body []*purse.Operator }
	register(s, huma.Operation{OperationID: "admin-operators", Method: http.MethodGet, Path: "/api/v1/admin/operators",
		Summary: "List operators, disabled ones too", Tags: tags, Security: adminBearer, Errors: []int{401, 403}},
		func(ctx context.Context, _ *struct{}) (*listOutput, error) {
			list, err := s.Operators.List(ctx, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			return &listOutput{Body: list}, nil
		})
	type roleInput struct {
		ID   string `path:"id" maxLength:"64"`
		Body struct {
			Role purse.Role `json:"role" enum:"agent,reviewer,admin"`
		}
	}
	register(s, huma.Operation{OperationID: "admin-set-operator-role", Method: http.MethodPut, Path: "/api/v1/admin/operators/{id}/role",
		Summary: "Change an operator's role; it applies from their next request", Tags: tags, Security: adminBearer, Errors: errs},
		func(ctx context.Context, in *roleInput) (*operatorOutput, error) {
			o, err := s.Operators.SetRole(ctx, actorOf(ctx), in.ID, in.Body.Role)
			if err != nil {
				return nil, err
			}
			return &operatorOutput{Body: o}, nil
		})
	register(s, huma.Operation{OperationID: "admin-disable-operator", Method: http.MethodPost, Path: "/api/v1/admin/operators/{id}/disable",
		Summary: "Disable an operator: their tokens and console sessions are refused at once", Tags: tags, Security: adminBearer, Errors: errs},
		func(ctx context.Context, in *operatorIDInput) (*operatorOutput, error) {
			o, err := s.Operators.Disable(ctx, actorOf(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &operatorOutput{Body: o}, nil
		})
	register(s, huma.Operation{OperationID: "admin-enable-operator", Method: http.MethodPost, Path: "/api/v1/admin/operators/{id}/enable",
		Summary: "Enable a disabled operator again", Tags: tags, Security: adminBearer, Errors: errs},
		func(ctx context.Context, in *operatorIDInput) (*operatorOutput, error) {
			o, err := s.Operators.Enable(ctx, actorOf(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &operatorOutput{Body: o}, nil
		})
}
