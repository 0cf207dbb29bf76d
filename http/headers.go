package http

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/purse-wallet/purse"
)

// HSTS is the Strict-Transport-Security value sent over HTTPS: a year, the usual preload minimum.
const HSTS = "max-age=31536000"

// headers sets what every answer of a wallet must carry (issue 14). Over HTTPS (see secureOf),
// HSTS, and the request is marked secure so that the pages' cookies are Secure. Every API answer
// is no-store (it may hold balances, transactions, a phone) and nosniff. An API request with a
// body but no Content-Type is refused with 415 rather than read as JSON.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secure := s.secureOf(r)
		if st := stateOf(r.Context()); st != nil {
			st.secure = secure
		}
		h := w.Header()
		if secure {
			h.Set("Strict-Transport-Security", HSTS)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
			if hasBody(r) && r.Header.Get("Content-Type") == "" {
				s.writeProblem(w, r, purse.Errorf(purse.CodeUnsupportedMediaType, "a body without Content-Type"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// secureOf reports whether the client reached purse over HTTPS: TLS on the connection, an
// X-Forwarded-Proto of https set by a proxy in TrustedProxies (from anyone else it is not
// believed), or an https:// public base URL, by which the operator says that every client comes
// through TLS.
func (s *Server) secureOf(r *http.Request) bool {
	if r.TLS != nil || s.Config.HTTPS {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !trustedAddr(peer, s.Config.TrustedProxies) {
		return false
	}
	proto := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])
	return strings.EqualFold(proto, "https")
}

// Secure reports whether the request came over HTTPS as the server judged it (see secureOf): the
// pages set their cookies Secure by it.
func Secure(r *http.Request) bool {
	if st := stateOf(r.Context()); st != nil {
		return st.secure
	}
	return r.TLS != nil
}

// metricsHandler guards /metrics with the operator's bearer token, compared in constant time.
func (s *Server) metricsHandler(next http.Handler) http.Handler {
	want := []byte("Bearer " + s.Config.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			s.writeProblem(w, r, purse.Errorf(purse.CodeUnauthenticated, "metrics need the operator's token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
