package http

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// closureTags group the closure operations in the API document.
var closureTags = []string{"Closure"}

type closureOutput struct {
	Body *flowBody
}

type flowIDInput struct {
	ID string `path:"id" maxLength:"36"`
}

type listInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

type listOutput struct {
	Body struct {
		Closures []listItem `json:"closures"`
	}
}

type eligibilityOutput struct {
	Body struct {
		Eligible bool            `json:"eligible"`
		Blockers []purse.Blocker `json:"blockers"`
	}
}

type codeOutput struct {
	Body *closure.CodeSent
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

// registerClosures registers the user's closure API, one operation per function, each in the file
// of its resource; the order is the API document's.
func (s *Server) registerClosures() {
	s.registerClosureEligibility()
	s.registerClosureStart()
	s.registerClosureList()
	s.registerClosureGet()
	s.registerClosureAgreement()
	s.registerClosureRecheck()
	s.registerClosureRights()
	s.registerClosureCode()
	s.registerClosureVerification()
	s.registerClosureConfirm()
	s.registerClosureSubmit()
	s.registerClosureCancel()
	s.registerCaptcha()
	s.registerClosurePublicKey()
}
