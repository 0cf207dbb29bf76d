package certificate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// LoadKeySet reads a JWK Set from a file or an http(s) URL.
func LoadKeySet(ctx context.Context, where string) (jose.JSONWebKeySet, error) {
	var raw []byte
	var err error
	if strings.HasPrefix(where, "https://") || strings.HasPrefix(where, "http://") {
		raw, err = fetch(ctx, where)
	} else {
		raw, err = os.ReadFile(where)
	}
	if err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("key set %s: %w", where, err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) == 0 {
		return jose.JSONWebKeySet{}, fmt.Errorf("key set %s: not a JWK Set (RFC 7517)", where)
	}
	return set, nil
}

// IssuerKeySet fetches the key set an issuer publishes at /.well-known/jwks.json. The issuer
// must be https (plain http only on a loopback address, for a server on this machine): the key
// set is only as trustworthy as the connection that fetched it.
func IssuerKeySet(ctx context.Context, issuer string) (jose.JSONWebKeySet, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return jose.JSONWebKeySet{}, fmt.Errorf("the document names no issuer URL (%q): give the key set with --jwks", issuer)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return jose.JSONWebKeySet{}, fmt.Errorf("issuer %s is not https: give the key set with --jwks", issuer)
	}
	return LoadKeySet(ctx, strings.TrimSuffix(issuer, "/")+JWKSPath)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fetch(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}
