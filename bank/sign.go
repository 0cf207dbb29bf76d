package bank

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Headers of a signed message, request, response or callback alike (docs/deployment.md).
const (
	HeaderTimestamp = "X-Purse-Timestamp" // Unix seconds when the message was signed
	HeaderSignature = "X-Purse-Signature" // "v1=" + hex HMAC-SHA256(key, timestamp + "." + body)
)

// Skew is how far a signed message's timestamp may be from the receiver's clock: an older message
// is a replay and is refused even when its signature is good.
const Skew = 5 * time.Minute

// MinKeyLen is the shortest signing key accepted: 32 bytes, the HMAC-SHA256 block's strength.
const MinKeyLen = 32

// Signing errors, told apart so that the callback route can audit why it refused.
var (
	ErrUnsigned     = errors.New("bank: message not signed")
	ErrBadSignature = errors.New("bank: signature does not match")
	ErrStale        = errors.New("bank: timestamp outside the accepted window (replay?)")
)

// Signature returns the v1 signature of body signed at the time.
func Signature(key []byte, at time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return timestamp, "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Sign sets the signature headers on h for body.
func Sign(h http.Header, key []byte, at time.Time, body []byte) {
	ts, sig := Signature(key, at, body)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sig)
}

// Verify checks the signature headers of body against the key and the receiver's clock now:
// ErrUnsigned, ErrBadSignature or ErrStale.
func Verify(h http.Header, key []byte, now time.Time, body []byte) error {
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return ErrUnsigned
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrBadSignature
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "v1="))
	if err != nil || !strings.HasPrefix(sig, "v1=") || !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	at := time.Unix(sec, 0)
	if at.Before(now.Add(-Skew)) || at.After(now.Add(Skew)) {
		return ErrStale
	}
	return nil
}

// LoadKey reads the shared signing key: the environment variable env if set, else the file (its
// content, surrounding white space trimmed). Keys travel in the environment or a file, never in a
// flag that other users can read in the process list.
func LoadKey(env, file string) ([]byte, error) {
	var key string
	switch {
	case os.Getenv(env) != "":
		key = os.Getenv(env)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("bank key: %w", err)
		}
		key = string(b)
	default:
		return nil, fmt.Errorf("no bank signing key: set %s or --bank-key-file", env)
	}
	key = strings.TrimSpace(key)
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("bank signing key: %d bytes, at least %d are needed (e.g. `openssl rand -hex 32`)", len(key), MinKeyLen)
	}
	return []byte(key), nil
}
