package http

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

type adminClosureItem struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	State     string    `json:"state"`
	Policy    string    `json:"policy"`
	Submitted bool      `json:"submitted"`
	CreatedAt time.Time `json:"created_at"`
	Deadline  time.Time `json:"deadline"`
	DaysLeft  int       `json:"days_left" doc:"Calendar days from today to the legal deadline's date in the operator's zone; 0 when due today, negative when past (the console shows the same)"`
	// WorkingDaysLeft and DeadlineStatus come from the same calendar as DaysLeft.
	WorkingDaysLeft int    `json:"working_days_left" doc:"Working days after today up to the deadline, by the holiday calendar (0 on the day it is due)"`
	DeadlineStatus  string `json:"deadline_status" enum:"ok,near,past" doc:"near: due within 3 working days; past: the deadline has passed"`
}

type adminClosureList struct {
	Body struct {
		Closures []adminClosureItem `json:"closures"`
	}
}

type adminListInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type rejectInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500"`
	}
}

type restoreInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason        string `json:"reason" minLength:"1" maxLength:"500" doc:"Why the account is given back"`
		IdentityCheck string `json:"identity_check" enum:"bound_phone_code,bound_phone_callback,id_document,in_person" doc:"How support checked that the caller is the holder (GE-4)"`
	}
}

type certificatePDFInput struct {
	ID   string `path:"id"`
	Lang string `query:"lang" enum:"zh-CN,en" doc:"The language of the PDF (default: the caller's); the user's language is the account's"`
}

type certificateOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) adminFlow(ctx context.Context, role purse.Role, fn func(op *purse.Operator) (*closure.Flow, error)) (*closureOutput, error) {
	op, err := operatorWith(ctx, role)
	if err != nil {
		return nil, err
	}
	f, err := fn(op)
	if err != nil {
		return nil, err
	}
	return &closureOutput{Body: s.renderFlow(ctx, f)}, nil
}

// adminClosureTags group the admin closure operations in the API document.
var adminClosureTags = []string{"Admin: closure"}

// registerAdminClosures registers support's side of the closure, one concern a file.
func (s *Server) registerAdminClosures() {
	s.registerAdminClosureQueue()
	s.registerAdminClosureDecisions()
	s.registerAdminClosureDocuments()
}
