package http

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

// heldAnswer is a value action held for a second operator (issue 13, four eyes): 202 Accepted
// with the pending approval, not a problem: nothing failed, and nothing moved yet.
type heldAnswer struct{ *purse.Approval }

func (h heldAnswer) Error() string             { return "approval pending " + h.ID }
func (h heldAnswer) GetStatus() int            { return http.StatusAccepted }
func (h heldAnswer) ContentType(string) string { return "application/json" }

// mayBeHeld documents the 202 a value operation answers above the four-eyes threshold.
func mayBeHeld(s *Server, op *huma.Operation) {
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	schema := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[purse.Approval](), true, "Approval")
	op.Responses["202"] = &huma.Response{
		Description: "Above the four-eyes threshold: nothing moved; the action waits for a second operator's approval",
		Content:     map[string]*huma.MediaType{"application/json": {Schema: schema}},
	}
}

type approvalListInput struct {
	State string `query:"state" enum:"pending,approved,rejected,expired" default:"pending"`
	Limit int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type approvalListOutput struct {
	Body []*purse.Approval
}

type approvalIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type approvalOutput struct {
	Body *purse.Approval
}

type thresholdBody struct {
	Above int64 `json:"above" minimum:"0" maximum:"1000000000000" doc:"Value actions above this amount (fen; a point counts as one) need a second operator"`
}

func (s *Server) registerAdminApprovals() {
	tags := []string{"Admin: four eyes"}
	register(s, huma.Operation{OperationID: "admin-approvals", Method: http.MethodGet, Path: "/api/v1/admin/approvals",
		Summary: "List value actions held for a second operator", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 422}},
		func(ctx context.Context, in *approvalListInput) (*approvalListOutput, error) {
			list, err := s.Approvals.List(ctx, actorOf(ctx), purse.ApprovalState(in.State), in.Limit)
			if err != nil {
				return nil, err
			}
			return &approvalListOutput{Body: list}, nil
		})
	register(s, huma.Operation{OperationID: "admin-approve", Method: http.MethodPost, Path: "/api/v1/admin/approvals/{id}/approve",
		Summary: "Approve another operator's held action: it runs now, once", Tags: tags, Security: adminBearer,
		Errors: []int{401, 403, 404, 409, 422}},
		func(ctx context.Context, in *approvalIDInput) (*approvalOutput, error) {
			a, err := s.Approvals.Approve(ctx, actorOf(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &approvalOutput{Body: a}, nil
		})
	type approvalRejectInput struct {
		ID   string `path:"id" maxLength:"64"`
		Body struct {
			Reason string `json:"reason" minLength:"1" maxLength:"200"`
		}
	}
	register(s, huma.Operation{OperationID: "admin-reject-approval", Method: http.MethodPost, Path: "/api/v1/admin/approvals/{id}/reject",
		Summary: "Reject a held action with a reason (the maker may withdraw their own)", Tags: tags, Security: adminBearer,
		Errors: []int{401, 403, 404, 409, 422}},
		func(ctx context.Context, in *approvalRejectInput) (*approvalOutput, error) {
			a, err := s.Approvals.Reject(ctx, actorOf(ctx), in.ID, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &approvalOutput{Body: a}, nil
		})
	type fourEyesOutput struct{ Body thresholdBody }
	register(s, huma.Operation{OperationID: "admin-four-eyes", Method: http.MethodGet, Path: "/api/v1/admin/settings/four-eyes",
		Summary: "The four-eyes threshold", Tags: tags, Security: adminBearer, Errors: []int{401, 403}},
		func(ctx context.Context, _ *struct{}) (*fourEyesOutput, error) {
			n, err := s.Approvals.Threshold(ctx)
			if err != nil {
				return nil, err
			}
			return &fourEyesOutput{Body: thresholdBody{Above: n}}, nil
		})
	type fourEyesInput struct{ Body thresholdBody }
	op := huma.Operation{OperationID: "admin-set-four-eyes", Method: http.MethodPut, Path: "/api/v1/admin/settings/four-eyes",
		Summary: "Change the four-eyes threshold: lowering applies at once, raising needs a second operator",
		Tags:    tags, Security: adminBearer, Errors: []int{401, 403, 422}}
	mayBeHeld(s, &op)
	register(s, op, func(ctx context.Context, in *fourEyesInput) (*fourEyesOutput, error) {
		if err := s.Approvals.SetThreshold(ctx, actorOf(ctx), in.Body.Above); err != nil {
			return nil, err
		}
		return &fourEyesOutput{Body: in.Body}, nil
	})
}

// actorOf is the calling operator as the services name an actor ("" when none: they refuse it).
func actorOf(ctx context.Context) string {
	if st := stateOf(ctx); st != nil && st.operator != nil {
		return "operator:" + st.operator.ID
	}
	return ""
}
