package http

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

// The graphic captcha some policies ask for (PW-2).

type captchaOutput struct {
	Body struct {
		ID     string `json:"id"`
		Image  string `json:"image" doc:"PNG, base64"`
		Answer string `json:"answer,omitempty" doc:"Only with --demo"`
	}
}

// registerCaptcha registers GET /api/v1/captcha.
func (s *Server) registerCaptcha() {
	register(s, huma.Operation{OperationID: "captcha", Method: http.MethodGet, Path: "/api/v1/captcha",
		Summary: "A graphic captcha (PW-2)", Tags: closureTags, Security: publicOrBearer},
		func(ctx context.Context, _ *struct{}) (*captchaOutput, error) {
			acct := ""
			if p, err := caller(ctx); err == nil {
				acct = p.Account.ID
			}
			var out captchaOutput
			err := s.Store.Tx(ctx, func(tx purse.Tx) error {
				c, err := s.Closures.Captchas.New(ctx, tx, acct)
				if err != nil {
					return err
				}
				out.Body.ID, out.Body.Image = c.ID, base64.StdEncoding.EncodeToString(c.PNG)
				if s.Config.Demo {
					out.Body.Answer = c.Answer
				}
				return nil
			})
			return &out, err
		})
}
