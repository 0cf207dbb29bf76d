package http

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/closure"
)

type closureOutput struct {
	Body *flowBody
}

type listInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

type listItem struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	Policy    string    `json:"policy"`
	Next      string    `json:"next"`
	CreatedAt time.Time `json:"created_at"`
	Deadline  time.Time `json:"deadline"`
}

type listOutput struct {
	Body struct {
		Closures []listItem `json:"closures"`
	}
}

type flowIDInput struct {
	ID string `path:"id" maxLength:"36"`
}

type startInput struct {
	Certificate string `header:"X-Device-Certificate" maxLength:"200" doc:"Fingerprint of the device's digital certificate (AP-2)"`
	// The body is optional: a client that asks nothing sends none.
	Body *struct {
		Reason purse.ClosureReason `json:"reason,omitempty" enum:"unused,other_wallet,security,privacy,other" doc:"Why the user leaves, if they chose to say (IM-1); never a condition"`
	} `required:"false"`
}

type eligibilityInput struct {
	Certificate string `header:"X-Device-Certificate" maxLength:"200"`
}

type eligibilityOutput struct {
	Body struct {
		Eligible bool            `json:"eligible"`
		Blockers []purse.Blocker `json:"blockers"`
	}
}

type agreementInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Accept bool `json:"accept" doc:"The \"I have read and fully agree\" tick (TP-3)"`
	}
}

type recheckInput struct {
	ID          string `path:"id" maxLength:"36"`
	Certificate string `header:"X-Device-Certificate" maxLength:"200"`
}

type rightsInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Confirm bool `json:"confirm" doc:"The user gives up the rights listed (AP-4)"`
	}
}

type closureCodeInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Channel string `json:"channel" enum:"sms,email"`
	}
}

type codeOutput struct {
	Body *closure.CodeSent
}

type verificationInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		PaymentPassword string `json:"payment_password,omitempty" required:"false" maxLength:"16"`
		SMSCode         string `json:"sms_code,omitempty" required:"false" maxLength:"12"`
		EmailCode       string `json:"email_code,omitempty" required:"false" maxLength:"12"`
		CaptchaID       string `json:"captcha_id,omitempty" required:"false" maxLength:"36"`
		CaptchaAnswer   string `json:"captcha_answer,omitempty" required:"false" maxLength:"12"`
	}
}

type confirmInput struct {
	Body struct {
		Token string `json:"token" maxLength:"100"`
	}
}

type captchaOutput struct {
	Body struct {
		ID     string `json:"id"`
		Image  string `json:"image" doc:"PNG, base64"`
		Answer string `json:"answer,omitempty" doc:"Only with --demo"`
	}
}

type publicKeyOutput struct {
	Body struct {
		Algorithm string `json:"algorithm"`
		KeyID     string `json:"key_id"`
		PublicKey string `json:"public_key" doc:"base64"`
	}
}

func (s *Server) userFlow(ctx context.Context, fn func(accountID string) (*closure.Flow, error)) (*closureOutput, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f, err := fn(p.Account.ID)
	if err != nil {
		return nil, err
	}
	return &closureOutput{Body: s.renderFlow(ctx, f)}, nil
}

func (s *Server) registerClosures() {
	tags := []string{"Closure"}
	register(s, huma.Operation{OperationID: "closure-eligibility", Method: http.MethodGet, Path: "/api/v1/closure/eligibility",
		Summary: "Can I close my account?", Description: "Every blocker at once, each with a remedy (AP-3, AP-8).",
		Tags: tags, Security: bearer, Errors: []int{401}},
		func(ctx context.Context, in *eligibilityInput) (*eligibilityOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			bs, err := s.Closures.Eligibility(ctx, p.Account.ID, closure.Env{DeviceCertificate: in.Certificate})
			if err != nil {
				return nil, err
			}
			out := &eligibilityOutput{}
			out.Body.Blockers = s.localizeBlockers(ctx, bs)
			out.Body.Eligible = len(closure.Blocking(bs)) == 0
			return out, nil
		})

	register(s, huma.Operation{OperationID: "closure-start", Method: http.MethodPost, Path: "/api/v1/closures", DefaultStatus: 201,
		Summary: "Start closing my account", Tags: tags, Security: bearer, Errors: []int{401, 409}},
		func(ctx context.Context, in *startInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(id string) (*closure.Flow, error) {
				env := closure.Env{DeviceCertificate: in.Certificate}
				if in.Body != nil {
					env.Reason = in.Body.Reason
				}
				return s.Closures.Start(ctx, id, env)
			})
		})

	register(s, huma.Operation{OperationID: "closure-list", Method: http.MethodGet, Path: "/api/v1/closures",
		Summary: "My closure requests, newest first", Tags: tags, Security: bearer, Errors: []int{401}},
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

	register(s, huma.Operation{OperationID: "closure-get", Method: http.MethodGet, Path: "/api/v1/closures/{id}",
		Summary: "A closure request", Tags: tags, Security: bearer, Errors: []int{401, 404}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Get(ctx, acct, in.ID) })
		})

	register(s, huma.Operation{OperationID: "closure-agreement", Method: http.MethodPost, Path: "/api/v1/closures/{id}/agreement",
		Summary: "Accept the closure agreement (TP-3)", Tags: tags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *agreementInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.Accept(ctx, acct, in.ID, in.Body.Accept, closure.Env{})
			})
		})

	register(s, huma.Operation{OperationID: "closure-recheck", Method: http.MethodPost, Path: "/api/v1/closures/{id}/eligibility",
		Summary: "Check the closure conditions again", Tags: tags, Security: bearer, Errors: []int{401, 404, 409}},
		func(ctx context.Context, in *recheckInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.Recheck(ctx, acct, in.ID, closure.Env{DeviceCertificate: in.Certificate})
			})
		})

	register(s, huma.Operation{OperationID: "closure-rights", Method: http.MethodPost, Path: "/api/v1/closures/{id}/rights",
		Summary: "Give up the rights listed (AP-4)", Tags: tags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *rightsInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				return s.Closures.ConfirmRights(ctx, acct, in.ID, in.Body.Confirm)
			})
		})

	register(s, huma.Operation{OperationID: "closure-code", Method: http.MethodPost, Path: "/api/v1/closures/{id}/codes", DefaultStatus: 201,
		Summary: "Send a one-time code by SMS or e-mail", Tags: tags, Security: bearer, Errors: []int{401, 404, 409, 422, 429}},
		func(ctx context.Context, in *closureCodeInput) (*codeOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			sent, err := s.Closures.SendCode(ctx, p.Account.ID, in.ID, purse.Channel(in.Body.Channel))
			if err != nil {
				return nil, err
			}
			return &codeOutput{Body: sent}, nil
		})

	register(s, huma.Operation{OperationID: "closure-verification", Method: http.MethodPost, Path: "/api/v1/closures/{id}/verification",
		Summary: "Verify identity (TP-4, TP-5, PW-2, AP-5, AP-6)", Tags: tags, Security: bearer, Errors: []int{401, 404, 409, 422, 423}},
		func(ctx context.Context, in *verificationInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) {
				b := in.Body
				return s.Closures.Verify(ctx, acct, in.ID, closure.Answers{PaymentPassword: b.PaymentPassword,
					SMSCode: b.SMSCode, EmailCode: b.EmailCode, CaptchaID: b.CaptchaID, CaptchaAnswer: b.CaptchaAnswer})
			})
		})

	register(s, huma.Operation{OperationID: "closure-confirm", Method: http.MethodPost, Path: "/api/v1/closures/confirm",
		Summary: "Confirm by the e-mail link (IM-2)", Description: "The link's token is the proof; no session needed.",
		Tags: tags, Errors: []int{409, 422}, Security: public},
		func(ctx context.Context, in *confirmInput) (*closureOutput, error) {
			f, err := s.Closures.ConfirmLink(ctx, in.Body.Token)
			if err != nil {
				return nil, err
			}
			return &closureOutput{Body: s.renderFlow(ctx, f)}, nil
		})

	register(s, huma.Operation{OperationID: "closure-submit", Method: http.MethodPost, Path: "/api/v1/closures/{id}/submit",
		Summary: "Confirm closure: the review (AP-5, AP-7)", Tags: tags, Security: bearer, Errors: []int{401, 404, 409, 422}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Submit(ctx, acct, in.ID) })
		})

	register(s, huma.Operation{OperationID: "closure-cancel", Method: http.MethodPost, Path: "/api/v1/closures/{id}/cancel",
		Summary: "Cancel, or keep my account during cooling-off", Tags: tags, Security: bearer, Errors: []int{401, 404, 409}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.userFlow(ctx, func(acct string) (*closure.Flow, error) { return s.Closures.Cancel(ctx, acct, in.ID) })
		})

	register(s, huma.Operation{OperationID: "captcha", Method: http.MethodGet, Path: "/api/v1/captcha",
		Summary: "A graphic captcha (PW-2)", Tags: tags, Security: publicOrBearer},
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

	register(s, huma.Operation{OperationID: "closure-public-key", Method: http.MethodGet, Path: "/api/v1/closure/public-key",
		Summary: "The key that signs closure certificates", Tags: tags, Security: public, Errors: []int{404}},
		func(ctx context.Context, _ *struct{}) (*publicKeyOutput, error) {
			if s.Closures.Signer == nil {
				return nil, purse.Errorf(purse.CodeNotFound, "no certificate key")
			}
			pub := s.Closures.Signer.Public()
			out := &publicKeyOutput{}
			out.Body.Algorithm, out.Body.KeyID = "Ed25519", certificate.KeyID(pub)
			out.Body.PublicKey = base64.StdEncoding.EncodeToString([]byte(ed25519.PublicKey(pub)))
			return out, nil
		})
}
