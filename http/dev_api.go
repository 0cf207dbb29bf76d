package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type clockInput struct {
	Body struct {
		Advance string `json:"advance" maxLength:"20" doc:"A Go duration, e.g. \"168h\""`
	}
}

type clockOutput struct {
	Body struct {
		Now time.Time `json:"now"`
	}
}

// registerDev adds the demo-only endpoints: POST /api/v1/dev/clock moves the server's clock so
// that a cooling-off week passes in a click. Without --demo the route does not exist.
func (s *Server) registerDev() {
	if !s.Config.Demo {
		return
	}
	register(s, huma.Operation{OperationID: "dev-clock", Method: http.MethodPost, Path: "/api/v1/dev/clock", Hidden: true,
		Security: public, Summary: "Move the server's clock forward (demo only)", Tags: []string{"Dev"}, Errors: []int{422}},
		func(ctx context.Context, in *clockInput) (*clockOutput, error) {
			d, err := time.ParseDuration(in.Body.Advance)
			if err != nil || d <= 0 {
				return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "advance must be a positive duration",
					Fields: []purse.FieldError{{Field: "advance", Code: purse.CodeInvalidRequest}}}
			}
			switch c := s.Clock.(type) {
			case interface{ Advance(time.Duration) time.Time }:
				c.Advance(d)
			case interface{ Advance(time.Duration) }:
				c.Advance(d)
			default:
				return nil, purse.Errorf(purse.CodeUnavailable, "the clock cannot move")
			}
			out := &clockOutput{}
			out.Body.Now = s.Clock.Now()
			return out, nil
		})
}
