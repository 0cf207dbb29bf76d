// Package bench measures purse under load: transfers per second and their latency, in-process
// through the wallet service or through the HTTP API, with any number of concurrent clients.
package bench

import (
	"context"
	"crypto/rand"
	"errors"
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
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Config is one run.
type Config struct {
	Clients  int           // concurrent clients
	Duration time.Duration // how long to send transfers
	Accounts int           // accounts the transfers move between
	HTTP     bool          // through the HTTP API on a loopback listener instead of in-process
	Rate     int           // transfers started per second (an open loop); 0: Clients in a closed loop
	// Warmup is load sent the same way before the run and not counted: the first requests open
	// the HTTP and database connections and prepare their statements, a one-time cost that is
	// not the steady state the run measures (at 1,750/s it put about a hundred of the 17,500
	// transfers of a 10 s PostgreSQL run past 40 ms, enough to set the p99 alone).
	Warmup time.Duration
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
		c, err := a.Wallet.BindCardAsHolder(ctx, acct.ID, phone, wallet.CardBinding{Bank: "ICBC",
			Number: "6222021234567890128", Holder: "Bench", PaymentPassword: "135790"})
		if err != nil {
			return nil, err
		}
		if _, err := a.Wallet.Topup(ctx, acct.ID, c.ID, 100_000_000_00); err != nil {
			return nil, err
		}
		// The ledger's transfers go without the payment password, as the holder chose (issue 13).
		if _, err := a.Wallet.SwitchSmallPayments(ctx, acct.ID, true, "135790"); err != nil {
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
//
// With Rate 0 it is a closed loop: Clients workers each send the next transfer when the last one is
// answered, which finds the most the server can do. With a Rate it is an open loop: transfers start
// at that rate whatever the answers, and each latency counts from the moment its transfer was due,
// so a stall shows in the p99 instead of slowing the load (no coordinated omission). Through HTTP the
// load comes from vegeta on a loopback listener, in this process.
func Ledger(ctx context.Context, a *app.App, parties []Party, cfg Config) (LedgerResult, error) {
	if cfg.Warmup > 0 {
		warm := cfg
		warm.Duration, warm.Warmup = cfg.Warmup, 0
		if _, err := Ledger(ctx, a, parties, warm); err != nil {
			return LedgerResult{}, fmt.Errorf("bench: warm-up: %w", err)
		}
	}
	if cfg.HTTP {
		return ledgerHTTP(ctx, a, parties, cfg)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var firstErr error
	record := func(d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs++
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		lat = append(lat, d)
	}
	send := func(r *mrand.Rand) error {
		i, j := pair(r, len(parties))
		_, err := a.Wallet.TransferGrouped(ctx, parties[i].id, wallet.TransferRequest{To: parties[j].id, Amount: 1})
		return err
	}
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	if cfg.Rate > 0 {
		r := mrand.New(mrand.NewPCG(1, uint64(start.UnixNano())))
		every := time.Second / time.Duration(cfg.Rate)
		for n := 0; ; n++ {
			due := start.Add(time.Duration(n) * every)
			if !due.Before(deadline) || ctx.Err() != nil {
				break
			}
			time.Sleep(time.Until(due))
			own := mrand.New(mrand.NewPCG(r.Uint64(), uint64(n)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := send(own)
				record(time.Since(due), err)
			}()
		}
	} else {
		for c := 0; c < cfg.Clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				r := mrand.New(mrand.NewPCG(uint64(c), uint64(start.UnixNano())))
				for time.Now().Before(deadline) && ctx.Err() == nil {
					t0 := time.Now()
					err := send(r)
					record(time.Since(t0), err)
				}
			}(c)
		}
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

// pair picks two distinct parties.
func pair(r *mrand.Rand, n int) (int, int) {
	i := r.IntN(n)
	return i, (i + 1 + r.IntN(n-1)) % n
}

// ledgerHTTP is Ledger through POST /api/v1/transfers, with vegeta as the client.
func ledgerHTTP(ctx context.Context, a *app.App, parties []Party, cfg Config) (LedgerResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return LedgerResult{}, err
	}
	srv := &http.Server{Handler: a.HTTP}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/transfers"
	auth := make([]http.Header, len(parties))
	for k, p := range parties {
		auth[k] = http.Header{"Authorization": {"Bearer " + p.token}, "Content-Type": {"application/json"}}
	}
	var mu sync.Mutex
	r := mrand.New(mrand.NewPCG(2, uint64(time.Now().UnixNano())))
	tr := func(t *vegeta.Target) error {
		mu.Lock()
		i, j := pair(r, len(parties))
		mu.Unlock()
		t.Method, t.URL, t.Header = http.MethodPost, url, auth[i]
		t.Body = []byte(`{"to":"` + parties[j].id + `","amount":1}`)
		return nil
	}
	conns := max(cfg.Clients, 64)
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Connections(conns),
		vegeta.MaxConnections(conns), vegeta.Timeout(30 * time.Second)}
	pace := vegeta.Rate{Freq: cfg.Rate, Per: time.Second}
	if cfg.Rate == 0 {
		opts = append(opts, vegeta.Workers(uint64(cfg.Clients)), vegeta.MaxWorkers(uint64(cfg.Clients)))
	}
	atk := vegeta.NewAttacker(opts...)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var lat []time.Duration
	errs := 0
	var firstErr string
	start := time.Now()
	for res := range atk.Attack(vegeta.Targeter(tr), pace, cfg.Duration, "transfer") {
		if res.Code != http.StatusCreated {
			errs++
			if firstErr == "" {
				firstErr = fmt.Sprintf("status %d %s: %s", res.Code, res.Error, res.Body)
			}
			continue
		}
		lat = append(lat, res.Latency)
	}
	out := LedgerResult{Transfers: len(lat), Errors: errs, Elapsed: time.Since(start)}
	if len(lat) > 0 {
		slices.Sort(lat)
		out.P50 = lat[len(lat)/2]
		out.P99 = lat[len(lat)*99/100]
	}
	if errs > 0 && len(lat) == 0 {
		return out, errors.New("bench: every transfer failed: " + firstErr)
	}
	return out, nil
}

// ID returns the party's account id.
func ID(p Party) string { return p.id }
