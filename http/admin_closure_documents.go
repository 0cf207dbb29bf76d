package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
)

// registerAdminClosureDocuments registers a request's signed documents for support: the certificate and the erasure receipt, as JWS and PDF.
func (s *Server) registerAdminClosureDocuments() {
	register(s, huma.Operation{OperationID: "admin-closure-certificate", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/certificate",
		Summary: "The signed closure certificate: a compact JWS (EdDSA) over RFC 8785 JSON, verifiable against /.well-known/jwks.json", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
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
		Summary: "The closure certificate as a PDF, to print or send", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
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
		Summary: "The signed erasure receipt, once the personal-data purge erased the account: a compact JWS like the certificate", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
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
		Summary: "The erasure receipt as a PDF, to print or send", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404}},
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
