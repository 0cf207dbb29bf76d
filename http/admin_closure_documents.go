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
		Summary: "The signed closure certificate: a compact JWS (EdDSA) over RFC 8785 JSON, verifiable against /.well-known/jwks.json", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404},
		Responses: fileResponse(joseType, "The certificate as signed: a compact JWS")},
		func(ctx context.Context, in *flowIDInput) (*certificateOutput, error) {
			raw, err := s.adminCertificate(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &certificateOutput{ContentType: joseType, Body: raw}, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure-certificate-pdf", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/certificate.pdf",
		Summary: "The closure certificate as a PDF, to print or send", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404},
		Responses: fileResponse(pdfType, "The certificate as a PDF")},
		func(ctx context.Context, in *certificatePDFInput) (*certificateOutput, error) {
			raw, err := s.adminCertificate(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return s.documentPDF(ctx, raw, in.Lang)
		})

	register(s, huma.Operation{OperationID: "admin-closure-receipt", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/receipt",
		Summary: "The signed erasure receipt, once the personal-data purge erased the account: a compact JWS like the certificate", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404},
		Responses: fileResponse(joseType, "The receipt as signed: a compact JWS")},
		func(ctx context.Context, in *flowIDInput) (*certificateOutput, error) {
			raw, err := s.adminReceipt(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &certificateOutput{ContentType: joseType, Body: raw}, nil
		})

	register(s, huma.Operation{OperationID: "admin-closure-receipt-pdf", Method: http.MethodGet, Path: "/api/v1/admin/closures/{id}/receipt.pdf",
		Summary: "The erasure receipt as a PDF, to print or send", Tags: adminClosureTags, Security: adminBearer, Errors: []int{401, 403, 404},
		Responses: fileResponse(pdfType, "The receipt as a PDF")},
		func(ctx context.Context, in *certificatePDFInput) (*certificateOutput, error) {
			raw, err := s.adminReceipt(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return s.documentPDF(ctx, raw, in.Lang)
		})
}

// The signed documents' media types: a compact JWS is application/jose (RFC 7515 §9.2.1). Each
// route describes its 200 answer as given (fileResponse): without it huma described the []byte
// body as base64 text in JSON, which the routes never answer (issue 18: a validating proxy found
// these routes answering other than described).
const (
	joseType = "application/jose"
	pdfType  = "application/pdf"
)

// adminCertificate is a request's signed certificate for any operator: NOT_FOUND before there is one.
func (s *Server) adminCertificate(ctx context.Context, id string) ([]byte, error) {
	if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
		return nil, err
	}
	f, err := s.Closures.AdminGet(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(f.Request.Certificate) == 0 {
		return nil, purse.Errorf(purse.CodeNotFound, "no certificate yet")
	}
	return f.Request.Certificate, nil
}

// adminReceipt is a request's signed erasure receipt for any operator: NOT_FOUND before the purge.
func (s *Server) adminReceipt(ctx context.Context, id string) ([]byte, error) {
	if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
		return nil, err
	}
	return s.Closures.Receipt(ctx, id)
}

// documentPDF renders a signed document for people, in lang or else the caller's language.
func (s *Server) documentPDF(ctx context.Context, raw []byte, lang string) (*certificateOutput, error) {
	if lang == "" {
		lang = languageOf(ctx)
	}
	pdf, err := certificate.PDF(raw, s.Catalog, lang)
	if err != nil {
		return nil, err
	}
	return &certificateOutput{ContentType: pdfType, Body: pdf}, nil
}
