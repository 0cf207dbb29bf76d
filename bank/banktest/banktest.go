// Package banktest is a bank simulator for tests: a real HTTP server on loopback that speaks the
// gateway protocol of docs/deployment.md (signed JSON, idempotent by reference) and can call
// purse's callback route. Tests choose how it answers each new movement, drop its answers, and
// send, repeat or withhold callbacks, to reproduce what a real bank does on a bad day.
package banktest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse/bank"
)

// Key is the tests' shared signing key.
var Key = []byte("banktest-key-0123456789abcdef-0123456789")

// Movement is what the simulated bank holds about one reference.
type Movement struct {
	Ref      string
	Kind     string // charge or payout
	Amount   int64
	Card     string
	Holder   string
	State    bank.State
	Requests int // how many times purse asked for it (idempotency: money moved once)
}

// Bank is the simulator.
type Bank struct {
	URL string
	// Decide answers a new movement: Settled, Pending (a callback follows, or not) or Failed.
	// Default: charges settle at once, payouts stay pending.
	Decide func(kind string, amount int64) bank.State
	// DropAnswers makes the bank record movements and then cut the connection without answering:
	// purse sees a request that went out and no answer, as in a crash between the two.
	DropAnswers bool
	// Down answers 503 to everything.
	Down bool
	// Received, when set, is called with the reference of each charge or payout request after the
	// bank recorded it and before it answers: a crash test kills purse there, between the bank
	// taking the request and purse learning the answer or the callback.
	Received func(ref string)

	mu        sync.Mutex
	movements map[string]*Movement
	now       func() time.Time
}

// New starts a simulator on loopback; it stops with the test. now is the bank's clock (the
// signatures' timestamps must agree with purse's clock).
func New(t testing.TB, now func() time.Time) *Bank {
	b := &Bank{movements: map[string]*Movement{}, now: now}
	srv := httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	return b
}

// Movement returns a copy of what the bank holds about ref, or nil.
func (b *Bank) Movement(ref string) *Movement {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.movements[ref]
	if m == nil {
		return nil
	}
	c := *m
	return &c
}

// Set changes a movement's state at the bank without telling purse (a lost callback).
func (b *Bank) Set(ref string, st bank.State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.movements[ref]; m != nil {
		m.State = st
	}
}

func (b *Bank) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if b.Down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if err := bank.Verify(r.Header, Key, b.now(), body); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var req struct {
		Ref        string `json:"reference"`
		Amount     int64  `json:"amount"`
		CardNumber string `json:"card_number"`
		Holder     string `json:"holder_name"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Ref == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	m := b.movements[req.Ref]
	switch r.URL.Path {
	case "/charges", "/payouts":
		kind := map[string]string{"/charges": "charge", "/payouts": "payout"}[r.URL.Path]
		if m == nil {
			m = &Movement{Ref: req.Ref, Kind: kind, Amount: req.Amount, Card: req.CardNumber, Holder: req.Holder,
				State: b.decide(kind, req.Amount)}
			b.movements[req.Ref] = m
		}
		m.Requests++
	case "/status":
	default:
		b.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	res := bank.Result{Ref: req.Ref, State: bank.Unknown}
	if m != nil {
		res = bank.Result{Ref: m.Ref, State: m.State, Amount: m.Amount}
	}
	drop, received := b.DropAnswers, b.Received
	b.mu.Unlock()
	if received != nil && r.URL.Path != "/status" {
		received(req.Ref)
	}
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
	}
	out, _ := json.Marshal(res)
	bank.Sign(w.Header(), Key, b.now(), out)
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

func (b *Bank) decide(kind string, amount int64) bank.State {
	if b.Decide != nil {
		return b.Decide(kind, amount)
	}
	if kind == "charge" {
		return bank.Settled
	}
	return bank.Pending
}

// Callback settles or fails ref at the bank and tells purse at base (its URL), signed; it returns
// purse's HTTP status and body.
func (b *Bank) Callback(ctx context.Context, base, ref string, st bank.State) (int, []byte, error) {
	b.mu.Lock()
	m := b.movements[ref]
	if m == nil {
		b.mu.Unlock()
		return 0, nil, fmt.Errorf("banktest: no movement %s", ref)
	}
	m.State = st
	cb := bank.Callback{Ref: ref, State: st, Amount: m.Amount, Currency: "CNY"}
	b.mu.Unlock()
	raw, _ := json.Marshal(cb)
	return Send(ctx, base, raw, Key, b.now())
}

// Send posts a raw callback body to purse at base, signed with key at the time (nil key: unsigned).
func Send(ctx context.Context, base string, raw, key []byte, at time.Time) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/bank/callbacks", bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != nil {
		bank.Sign(req.Header, key, at, raw)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, nil
}
