package bench

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/purse-wallet/purse/secret"
)

// Argon is the machine's argon2id bound: payment-password verifications per second with the
// production parameters, one at a time on every core (as the server's hasher runs them), summed
// over the run's rounds (see alternate).
type Argon struct {
	Params  secret.Params `json:"params"`
	Cores   int           `json:"cores"`
	Hashes  int64         `json:"hashes"`          // inside the counted windows
	Seconds float64       `json:"seconds"`         // the counted windows' total length
	PerSec  float64       `json:"per_sec"`         // Hashes ÷ Seconds
	CPUms   float64       `json:"cpu_ms_per_hash"` // this process's CPU time per hash
}

// argonPhase returns the argon2id phase: the payment password's hash verified on every core for
// a slice of dur.
func argonPhase(ctx context.Context, dur time.Duration) (phase, error) {
	cores := runtime.GOMAXPROCS(0)
	h := secret.NewHasher(secret.DefaultParams, cores)
	phc, err := h.Hash(ctx, PaymentPassword)
	if err != nil {
		return nil, err
	}
	job := func(ctx context.Context) error {
		ok, err := h.Verify(ctx, phc, PaymentPassword)
		if err == nil && !ok {
			err = errors.New("argon2id: the payment password did not verify against its own hash")
		}
		return err
	}
	return func(ctx context.Context) span { return steady(ctx, cores, Warmup, dur, nil, job) }, nil
}
