// Package bench measures purse under load: transfers per second and their latency, in-process
// through the wallet service or through the HTTP API, with any number of concurrent clients.
package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/wallet"
)

// Config is one run.
type Config struct {
	Clients  int           // concurrent clients
	Duration time.Duration // how long to send transfers
	Accounts int           // accounts the transfers move between
	HTTP     bool          // through the HTTP API on a loopback listener instead of in-process
}

// LedgerResult is what a run measured.
type LedgerResult struct {
	Transfers int
	Errors    int
	Elapsed   time.Duration
	P50, P99  time.Duration
}

// PerSecond is the throughput of successful transfers.
func (r LedgerResult) PerSecond() float64 { return float64(r.Transfers) / r.Elapsed.Seconds() }

func (r LedgerResult) String() string {
	return fmt.Sprintf("%d transfers in %s: %.0f/s, p50 %s, p99 %s, %d errors", r.Transfers,
		r.Elapsed.Round(time.Millisecond), r.PerSecond(), r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors)
}

// Party is a bench account and its session token.
type Party struct{ id, token string }

const password = "bench password 1"

// Setup registers the accounts with a large balance each and signs them in.
func Setup(ctx context.Context, a *app.App, n int) ([]Party, error) {
	out := make([]Party, n)
	for i := range out {
		num, _ := rand.Int(rand.Reader, big.NewInt(1e8))
		phone := fmt.Sprintf("177%08d", num.Int64())
		acct, err := a.Accounts.Register(ctx, account.Registration{Phone: phone, Password: password, PaymentPassword: "135790"})
		if err != nil {
			return nil, fmt.Errorf("bench: register: %w", err)
		}
		c, err := a.Wallet.BindCard(ctx, acct.ID, "ICBC", "6222021234567890128", "Bench")
		if err != nil {
			return nil, err
		}
		if _, err := a.Wallet.Topup(ctx, acct.ID, c.ID, 100_000_000_00); err != nil {
			return nil, err
		}
		s, err := a.Accounts.SignIn(ctx, phone, password)
		if err != nil {
			return nil, err
		}
		out[i] = Party{id: acct.ID, token: s.Token}
	}
	return out, nil
}

// Ledger sends 1-fen transfers between random pairs of the parties for the configured time.
func Ledger(ctx context.Context, a *app.App, parties []Party, cfg Config) (LedgerResult, error) {
	send := func(from, to Party) error {
		_, err := a.Wallet.TransferGrouped(ctx, from.id, wallet.TransferRequest{To: to.id, Amount: 1})
		return err
	}
	if cfg.HTTP {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return LedgerResult{}, err
		}
		srv := &http.Server{Handler: a.HTTP}
		go srv.Serve(ln)
		defer srv.Close()
		url := "http://" + ln.Addr().String() + "/api/v1/transfers"
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2}}
		send = func(from, to Party) error {
			body, _ := json.Marshal(map[string]any{"to": to.id, "amount": 1})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+from.token)
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			var sink bytes.Buffer
			sink.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				return fmt.Errorf("status %d: %s", res.StatusCode, sink.Bytes())
			}
			return nil
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(c), uint64(start.UnixNano())))
			var mine []time.Duration
			bad := 0
			var lastErr error
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := r.IntN(len(parties))
				j := (i + 1 + r.IntN(len(parties)-1)) % len(parties)
				t0 := time.Now()
				if err := send(parties[i], parties[j]); err != nil {
					bad++
					lastErr = err
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			if firstErr == nil {
				firstErr = lastErr
			}
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	res := LedgerResult{Transfers: len(lat), Errors: errs, Elapsed: time.Since(start)}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = lat[len(lat)/2]
		res.P99 = lat[len(lat)*99/100]
	}
	if errs > 0 && len(lat) == 0 {
		return res, firstErr
	}
	return res, nil
}

// ID returns the party's account id.
func ID(p Party) string { return p.id }
