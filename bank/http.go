package bank

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// HTTP is the production gateway: signed JSON over HTTPS to the operator's bank or payment
// channel. The protocol (docs/deployment.md, "Bank gateway"):
//
//	POST {URL}/charges   a top-up: pull the amount from the card      → Result
//	POST {URL}/payouts   a withdrawal: send the amount to the card    → Result
//	POST {URL}/status    {"reference": …}: where a movement stands    → Result
//
// Every request and every answer carries X-Purse-Timestamp and X-Purse-Signature (see Sign); an
// answer whose signature does not verify is an error, so a man in the middle cannot settle a
// movement. The bank settles pending movements later by calling purse's callback route.
type HTTP struct {
	URL    string // the bank's base URL, https:// (http:// only to loopback, for tests)
	Key    []byte // the shared HMAC-SHA256 key
	Client *http.Client
	Clock  purse.Clock
}

// NewHTTP checks the URL and key and returns the gateway.
func NewHTTP(base string, key []byte, clk purse.Clock) (*HTTP, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("--bank-url %q is not a URL", base)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return nil, fmt.Errorf("--bank-url must be https:// (http:// is accepted only to loopback)")
	}
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("bank signing key: at least %d bytes", MinKeyLen)
	}
	return &HTTP{URL: strings.TrimRight(base, "/"), Key: key, Client: &http.Client{Timeout: 15 * time.Second}, Clock: clk}, nil
}

func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// wireRequest is the body of /charges and /payouts.
type wireRequest struct {
	Ref         string    `json:"reference"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	Bank        string    `json:"bank"`
	CardNumber  string    `json:"card_number"`
	Holder      string    `json:"holder_name"`
	RequestedAt time.Time `json:"requested_at"`
}

// Charge asks for a top-up.
func (g *HTTP) Charge(ctx context.Context, r Request) (Result, error) {
	return g.call(ctx, "/charges", wire(r), r.Ref)
}

// Payout asks for a withdrawal.
func (g *HTTP) Payout(ctx context.Context, r Request) (Result, error) {
	return g.call(ctx, "/payouts", wire(r), r.Ref)
}

// Status asks where a movement stands.
func (g *HTTP) Status(ctx context.Context, ref string) (Result, error) {
	return g.call(ctx, "/status", map[string]string{"reference": ref}, ref)
}

func wire(r Request) wireRequest {
	return wireRequest{Ref: r.Ref, Amount: r.Amount.Amount, Currency: string(r.Amount.Currency), Bank: r.Bank,
		CardNumber: r.CardNumber, Holder: r.Holder, RequestedAt: r.At.UTC()}
}

// call posts the signed body and returns the verified answer about ref.
func (g *HTTP) call(ctx context.Context, path string, body any, ref string) (Result, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return Result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL+path, bytes.NewReader(raw))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	Sign(req.Header, g.Key, g.Clock.Now(), raw)
	res, err := g.Client.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("bank %s: %w", path, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Result{}, fmt.Errorf("bank %s: %w", path, err)
	}
	if res.StatusCode != http.StatusOK {
		return Result{}, fmt.Errorf("bank %s: HTTP %d", path, res.StatusCode)
	}
	if err := Verify(res.Header, g.Key, g.Clock.Now(), answer); err != nil {
		return Result{}, fmt.Errorf("bank %s answer: %w", path, err)
	}
	var out Result
	if err := json.Unmarshal(answer, &out); err != nil {
		return Result{}, fmt.Errorf("bank %s answer: %w", path, err)
	}
	if out.Ref != ref {
		return Result{}, fmt.Errorf("bank %s answered about %q, asked about %q", path, out.Ref, ref)
	}
	switch out.State {
	case Pending, Settled, Failed, Unknown:
	default:
		return Result{}, fmt.Errorf("bank %s: unknown status %q", path, out.State)
	}
	return out, nil
}

// Callback is the body the bank posts to purse's callback route to settle or fail a movement.
type Callback struct {
	Ref      string `json:"reference"`
	State    State  `json:"status"` // settled or failed
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Reason   string `json:"reason,omitempty"`
}
