package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
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

func (s *Server) registerAdminClosures() {
	tags := []string{"Admin: closure"}
	register(s, huma.Operation{OperationID: "admin-closures", Method: http.MethodGet, Path: "/api/v1/admin/closures",
		Summary: "Open closure requests, nearest legal deadline first", Tags: tags, Security: adminBearer, Errors: []int{401, 403}},
		func(ctx context.Context, in *adminListInput) (*adminClosureList, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			cs, err := s.Closures.OpenRequests(ctx, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &adminClosureList{}
			out.Body.Closures = []adminClosureItem{}
			now := s.Clock.Now()
			for _, c := range cs {
				u := s.Closures.Urgency(c, now)
				out.Body.Closures = append(out.Body.Closures, adminClosureItem{ID: c.ID, AccountID: c.AccountID,
					State: string(c.State), Policy: c.Policy, Submitted: c.Submitted, CreatedAt: c.CreatedAt,
					Deadline: c.Deadline, DaysLeft: u.DaysLeft, WorkingDaysLeft: u.WorkingDaysLeft, DeadlineStatus: u.Status})
			}
			return out, nil
		})

	register(s, huma.Operation{OperationID: "admin-account-readiness", Method: http.MethodGet, Path: "/api/v1/admin/accounts/{id}/readiness",
		Summary: "Can this account close? Every blocker with its remedy", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*eligibilityOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			if !purse.ValidID(in.ID) {
				return nil, purse.Errorf(purse.CodeNotFound, "no account %s", in.ID)
			}
			bs, err := s.Closures.Readiness(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := &eligibilityOutput{}
			out.Body.Blockers = s.localizeBlockers(ctx, bs)
			out.Body.Eligible = len(closure.Blocking(bs)) == 0
			return out, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}",
		Summary: "A closure request with its history", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleAgent, func(op *purse.Operator) (*closure.Flow, error) {
				f, _, err := s.Closures.AdminView(ctx, op, in.ID)
				return f, err
			})
		})

	register(s, huma.Operation{OperationID: "admin-closure-approve", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/approve",
		Summary: "Approve a request waiting for manual review", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404, 409}},
		func(ctx context.Context, in *flowIDInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleReviewer, func(op *purse.Operator) (*closure.Flow, error) { return s.Closures.Approve(ctx, op, in.ID) })
		})

	register(s, huma.Operation{OperationID: "admin-closure-reject", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/reject",
		Summary: "Reject a request waiting for manual review", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404, 409}},
		func(ctx context.Context, in *rejectInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleReviewer, func(op *purse.Operator) (*closure.Flow, error) {
				return s.Closures.Reject(ctx, op, in.ID, in.Body.Reason)
			})
		})

	register(s, huma.Operation{OperationID: "admin-closure-restore", Method: http.MethodPost, Path: "/api/v1/admin/closures/{id}/restore",
		Summary: "Restore the account during cooling-off (GE-4), with the reason and the identity check done", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404, 409, 422}},
		func(ctx context.Context, in *restoreInput) (*closureOutput, error) {
			return s.adminFlow(ctx, purse.RoleAgent, func(op *purse.Operator) (*closure.Flow, error) {
				return s.Closures.Restore(ctx, op, in.ID, closure.Restoration{Reason: in.Body.Reason, IdentityCheck: in.Body.IdentityCheck})
			})
		})

	register(s, huma.Operation{OperationID: "admin-closure-certificate", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/certificate",
		Summary: "The signed closure certificate: a compact JWS (EdDSA) over RFC 8785 JSON, verifiable against /.well-known/jwks.json", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*certificateOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			f, err := s.Closures.AdminGet(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if len(f.Request.Certificate) == 0 {
				return nil, purse.Errorf(purse.CodeNotFound, "no certificate yet")
			}
			return &certificateOutput{ContentType: "application/jose", Body: f.Request.Certificate}, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure-certificate-pdf", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/certificate.pdf",
		Summary: "The closure certificate as a PDF, to print or send", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *certificatePDFInput) (*certificateOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			f, err := s.Closures.AdminGet(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if len(f.Request.Certificate) == 0 {
				return nil, purse.Errorf(purse.CodeNotFound, "no certificate yet")
			}
			lang := in.Lang
			if lang == "" {
				lang = languageOf(ctx)
			}
			pdf, err := certificate.PDF(f.Request.Certificate, s.Catalog, lang)
			if err != nil {
				return nil, err
			}
			return &certificateOutput{ContentType: "application/pdf", Body: pdf}, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure-receipt", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/receipt",
		Summary: "The signed erasure receipt, once the personal-data purge erased the account: a compact JWS like the certificate", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *flowIDInput) (*certificateOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			raw, err := s.Closures.Receipt(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &certificateOutput{ContentType: "application/jose", Body: raw}, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure-receipt-pdf", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/receipt.pdf",
		Summary: "The erasure receipt as a PDF, to print or send", Tags: tags, Security: adminBearer, Errors: []int{401, 403, 404}},
		func(ctx context.Context, in *certificatePDFInput) (*certificateOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			raw, err := s.Closures.Receipt(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			lang := in.Lang
			if lang == "" {
				lang = languageOf(ctx)
			}
			pdf, err := certificate.PDF(raw, s.Catalog, lang)
			if err != nil {
				return nil, err
			}
			return &certificateOutput{ContentType: "application/pdf", Body: pdf}, nil
		})
}
