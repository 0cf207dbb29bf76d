package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// A user's closure requests: start one, list them, read one.

type startInput struct {
	Certificate string `header:"X-Device-Certificate" maxLength:"200" doc:"Fingerprint of the device's digital certificate (AP-2)"`
	// The body is optional: a client that asks nothing sends none.
	Body *struct {
		Reason purse.ClosureReason `json:"reason,omitempty" enum:"unused,other_wallet,security,privacy,other" doc:"Why the user leaves, if they chose to say (IM-1); never a condition"`
	} `required:"false"`
}

type listItem struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	Policy    string    `json:"policy"`
	Next      string    `json:"next"`
	CreatedAt time.Time `json:"created_at"`
	Deadline  time.Time `json:"deadline"`
}

// registerClosureStart registers POST /api/v1/closures.
func (s *Server) registerClosureStart() {
	register(s, huma.Operation{OperationID: "closure-start", Method: http.MethodPost, Path: "/api/v1/closures", DefaultStatus: 201,
		Summary: "Start closing my account", Tags: closureTags, Security: bearer, Errors: []int{401, 409}},
		func(ctx context.Context, in *startInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(id string) (*closure.Flow, error) {
				env := closure.Env{DeviceCertificate: in.Certificate}
				if p, err := caller(ctx); err == nil {
					env.SessionID = p.Session.ID // its device is a risk signal (TP-5)
				}
				if in.Body != nil {
					env.Reason = in.Body.Reason
				}
				return s.Closures.Start(ctx, id, env)
			})
		})
}

// registerClosureList registers GET /api/v1/closures.
func (s *Server) registerClosureList() {
	register(s, huma.Operation{OperationID: "closure-list", Method: http.MethodGet, Path: "/api/v1/closures",
		Summary: "My closure requests, newest first", Tags: closureTags, Security: bearer, Errors: []int{401}},
		func(ctx context.Context, in *listInput) (*listOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			cs, err := s.Closures.List(ctx, p.Account.ID, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &listOutput{}
			out.Body.Closures = []listItem{}
			for _, c := range cs {
				out.Body.Closures = append(out.Body.Closures, listItem{ID: c.ID, State: string(c.State), Policy: c.Policy,
					Next: closure.NextStep(c), CreatedAt: c.CreatedAt, Deadline: c.Deadline})
			}
			return out, nil
		})
}

// registerClosureGet registers GET /api/v1/closures/{id}.
func (s *Server) registerClosureGet() {
	register(s, huma.Operation{OperationID: "closure-get", Method: http.MethodGet, Path: "/api/v1/closures/{id}",
		Summary: "A closure request", Tags: closureTags, Security: bearer, Errors: []int{401, 404}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Get(ctx, acct, in.ID) })
		})
}
