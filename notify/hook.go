package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/purse-wallet/purse"
)

// Signature headers of purse's outgoing webhooks. The receiver recomputes
// "sha256=" + hex(HMAC-SHA256(secret, body)) and compares in constant time; the body carries
// sent_at so that it can refuse old replays, and Idempotency-Key (the message ID) lets it drop a
// message delivered twice.
const (
	SignatureHeader   = "X-Purse-Signature"
	IdempotencyHeader = "Idempotency-Key"
)

// Hook posts messages as signed JSON. One type serves the SMS provider (a fixed URL) and the
// linked platforms (the message's To is the URL).
type Hook struct {
	name   string
	url    string // "" means the message's To
	secret []byte
	client *http.Client
	now    func() time.Time
}

// NewSMSHook returns the generic SMS provider: every SMS is posted to url as
// {"id","to","body","language","template","sent_at"}.
func NewSMSHook(url string, secret []byte, clk purse.Clock) (*Hook, error) {
	if url == "" || len(secret) == 0 {
		return nil, errors.New("sms webhook: a URL and PURSE_SMS_WEBHOOK_SECRET are both needed")
	}
	return newHook("sms-webhook", url, secret, clk), nil
}

// NewPlatformHook returns the sender of the webhook channel: each message is posted to its To URL
// as {"id","event","data","body","language","sent_at"}, telling a linked platform of a closure
// (AP-4, IM-3).
func NewPlatformHook(secret []byte, clk purse.Clock) (*Hook, error) {
	if len(secret) == 0 {
		return nil, errors.New("webhook: PURSE_WEBHOOK_SECRET is needed")
	}
	return newHook("webhook", "", secret, clk), nil
}

func newHook(name, url string, secret []byte, clk purse.Clock) *Hook {
	return &Hook{name: name, url: url, secret: secret, now: clk.Now, client: &http.Client{
		Timeout: 20 * time.Second,
		// A signed request is not re-sent wherever a redirect points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Name is "sms-webhook" or "webhook".
func (h *Hook) Name() string { return h.name }

type hookBody struct {
	ID       string            `json:"id"`
	To       string            `json:"to,omitempty"`
	Event    string            `json:"event,omitempty"`
	Template string            `json:"template,omitempty"`
	Language string            `json:"language"`
	Body     string            `json:"body"`
	Data     map[string]string `json:"data,omitempty"`
	SentAt   time.Time         `json:"sent_at"`
}

// Send posts the message. A 2xx answer delivers it; 408, 429 and 5xx are retried; any other answer
// is permanent.
func (h *Hook) Send(ctx context.Context, m *purse.Message) error {
	b := hookBody{ID: m.ID, Language: m.Language, Body: m.Body, SentAt: h.now().UTC()}
	url := h.url
	if url == "" {
		url, b.Event, b.Data = m.To, m.Template, m.Data
	} else {
		b.To, b.Template = m.To, m.Template
	}
	body, err := json.Marshal(b)
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("%s: %w", h.name, err))
	}
	if req.URL.Scheme != "https" && req.URL.Scheme != "http" || req.URL.Host == "" {
		return Permanent(fmt.Errorf("%s: %q is not an http(s) URL", h.name, req.URL.Redacted()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "purse")
	req.Header.Set(IdempotencyHeader, m.ID)
	req.Header.Set(SignatureHeader, Sign(h.secret, body))
	res, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", h.name, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusRequestTimeout || res.StatusCode == http.StatusTooManyRequests ||
		res.StatusCode >= 500:
		return fmt.Errorf("%s: answered %d", h.name, res.StatusCode)
	}
	return Permanent(fmt.Errorf("%s: answered %d", h.name, res.StatusCode))
}

// Sign returns the signature header value of body.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether sig is body's signature under secret, in constant time. Receivers written
// in Go (and purse's tests) use it.
func Verify(secret, body []byte, sig string) bool {
	return hmac.Equal([]byte(sig), []byte(Sign(secret, body)))
}
