package http

import (
	"encoding/json"
	"net/http"
)

// jwks publishes the key that signs closure certificates and erasure receipts as a JWK Set
// (RFC 7517), where any JOSE library and `purse verify-certificate` look for it.
func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	if s.Closures == nil || s.Closures.Signer == nil {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(s.Closures.Signer.JWKS())
}
