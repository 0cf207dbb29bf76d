package http

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr puts the client's address in the context, for limits per client address. It is the
// connection's peer unless that peer is one of Config.TrustedProxies: only then is X-Forwarded-For
// believed, read from the right and skipping the trusted proxies, so that a client cannot choose
// its own address by sending the header itself.
func (s *Server) clientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateOf(r.Context()); st != nil {
			st.clientIP = clientIPOf(r, s.Config.TrustedProxies)
		}
		next.ServeHTTP(w, r)
	})
}

func clientIPOf(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !trustedAddr(peer, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Whatever is left of a malformed hop was written by someone we cannot vouch for.
			break
		}
		if !trustedAddr(a, trusted) {
			return a.Unmap().String()
		}
	}
	return peer.Unmap().String()
}

func trustedAddr(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP returns the client address clientAddr found ("" outside a request).
func clientIP(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.clientIP
	}
	return ""
}
