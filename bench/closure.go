package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
)

// HashesPerFlow is how many argon2id computations issue 7's bound charges a closure flow: the
// payment password's verification at the verification step (TP-4). Since issue 19 that check is a
// keyed hash and a flow from an existing session runs no argon2id at all; the bound (one hash's
// cost per flow) stays as the yardstick issue 7 set, and `purse bench payments` compares a flow's
// CPU with a transfer's instead.
const HashesPerFlow = 1

// Closure is the closure-flow measurement, summed over the run's rounds (see alternate).
type Closure struct {
	Policy   string  `json:"policy"`
	Clients  int     `json:"clients"`
	Flows    int64   `json:"flows"`         // flows that reached "closed" inside the counted windows
	Errors   int64   `json:"errors"`        // flows that failed at some step, counted or not
	Accounts int64   `json:"accounts_used"` // flow accounts used, counted or not (one per flow started)
	Seconds  float64 `json:"seconds"`       // the counted windows' total length
	PerSec   float64 `json:"per_sec"`       // Flows ÷ Seconds
	P50ms    float64 `json:"p50_ms"`        // one whole flow, start to submit, of the counted ones
	P99ms    float64 `json:"p99_ms"`
	// Bound is the argon2id bound in flows per second (hashes/s ÷ HashesPerFlow) and Fraction the
	// measured rate over it; both are filled in when the run measured argon2id.
	Bound    float64 `json:"bound_per_sec,omitempty"`
	Fraction float64 `json:"fraction_of_bound,omitempty"`
	FirstErr string  `json:"first_error,omitempty"`
	// CPUms is this process's CPU time per counted flow (server, SQLite and the load generator;
	// not a PostgreSQL server's), in milliseconds, over the counted windows.
	CPUms float64 `json:"cpu_ms_per_flow"`
	// DBCPUms is the local PostgreSQL server's CPU time per counted flow, over the same windows:
	// its backends run on the cores that hash, so a flow costs CPUms + DBCPUms of them. Zero on
	// SQLite (inside CPUms) and when the server is not on this machine.
	DBCPUms float64 `json:"db_cpu_ms_per_flow,omitempty"`
	Rounds  []Round `json:"rounds,omitempty"`
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// flowPhase returns the closure flows' phase: clients concurrent clients run complete flows
// (start → agreement → rights → SMS code → verification with the payment password and the code
// → submit) for a slice of dur, each flow on the next unused account, with an existing session.
// The accounts and the clients' connections carry over from one slice to the next, since a
// closed account cannot be closed again. used counts the accounts taken so far (it runs past
// len(users) once they are all gone).
func (s *Server) flowPhase(users []User, clients int, dur time.Duration) (p phase, used *atomic.Int64) {
	job, next := s.flowJob(users, clients)
	return func(ctx context.Context) span { return steady(ctx, clients, Warmup, dur, s.dbCPU, job) }, next
}

// flowJob returns what one of clients concurrent clients does for one complete flow, on the next
// unused account of users (errNoWork once they are all gone), and the count of accounts taken.
// flowPhase runs it for a time; the instruction counts (RunOps) run it a number of times.
func (s *Server) flowJob(users []User, clients int) (job func(context.Context) error, used *atomic.Int64) {
	c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var next atomic.Int64
	job = func(ctx context.Context) error {
		i := next.Add(1) - 1
		if int(i) >= len(users) {
			return errNoWork
		}
		return s.flow(ctx, c, users[i])
	}
	return job, &next
}

type flowView struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

func (s *Server) flow(ctx context.Context, c *http.Client, u User) error {
	var f flowView
	if err := s.post(ctx, c, u, "/api/v1/closures", nil, 201, &f); err != nil {
		return err
	}
	base := "/api/v1/closures/" + f.ID
	if err := s.post(ctx, c, u, base+"/agreement", map[string]any{"accept": true}, 200, &f); err != nil {
		return err
	}
	if err := s.post(ctx, c, u, base+"/rights", map[string]any{"confirm": true}, 200, &f); err != nil {
		return err
	}
	if err := s.post(ctx, c, u, base+"/codes", map[string]any{"channel": "sms"}, 201, nil); err != nil {
		return err
	}
	code, err := s.smsCode(ctx, u.Phone)
	if err != nil {
		return err
	}
	if err := s.post(ctx, c, u, base+"/verification",
		map[string]any{"payment_password": PaymentPassword, "sms_code": code}, 200, &f); err != nil {
		return err
	}
	if err := s.post(ctx, c, u, base+"/submit", nil, 200, &f); err != nil {
		return err
	}
	if f.State != string(purse.ClosureClosed) {
		return fmt.Errorf("submit left the request %s, want closed", f.State)
	}
	return nil
}

// smsCode reads the closure code sent to the phone from the outbox, as the user reads the SMS.
func (s *Server) smsCode(ctx context.Context, phone string) (string, error) {
	var code string
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		ms, err := tx.MessagesTo(ctx, phone, 10)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Template == "closure_otp" {
				if g := sixDigits.FindStringSubmatch(m.Body); g != nil {
					code = g[1]
					return nil
				}
			}
		}
		return fmt.Errorf("no closure code sent to %s", phone)
	})
	return code, err
}

func (s *Server) post(ctx context.Context, c *http.Client, u User, path string, body any, want int, out any) error {
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("POST %s: %d, want %d: %.200s", path, res.StatusCode, want, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
