package http

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
)

// The public key that checks closure certificates.

type publicKeyOutput struct {
	Body struct {
		Algorithm string `json:"algorithm"`
		KeyID     string `json:"key_id"`
		PublicKey string `json:"public_key" doc:"base64"`
	}
}

// registerClosurePublicKey registers GET /api/v1/closure/public-key.
func (s *Server) registerClosurePublicKey() {
	register(s, huma.Operation{OperationID: "closure-public-key", Method: http.MethodGet, Path: "/api/v1/closure/public-key",
		Summary: "The key that signs closure certificates", Tags: closureTags, Security: public, Errors: []int{404}},
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
