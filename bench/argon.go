package bench

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse/secret"
)

// Argon is the machine's argon2id bound: payment-password verifications per second with the
// production parameters, one at a time on every core (as the server's hasher runs them).
type Argon struct {
	Params secret.Params `json:"params"`
	Cores  int           `json:"cores"`
	Hashes int64         `json:"hashes"`
	PerSec float64       `json:"per_sec"`
	CPUms  float64       `json:"cpu_ms_per_hash"` // this process's CPU time per hash
}

// MeasureArgon verifies the payment password's hash on every core for dur.
func MeasureArgon(ctx context.Context, dur time.Duration) (Argon, error) {
	cores := runtime.GOMAXPROCS(0)
	h := secret.NewHasher(secret.DefaultParams, cores)
	phc, err := h.Hash(ctx, PaymentPassword)
	if err != nil {
		return Argon{}, err
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), processCPU()
	end := start.Add(dur)
	for range cores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) && ctx.Err() == nil {
				if _, err := h.Verify(ctx, phc, PaymentPassword); err == nil {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el, cpu := time.Since(start), processCPU()-cpu0
	return Argon{Params: secret.DefaultParams, Cores: cores, Hashes: n.Load(), PerSec: float64(n.Load()) / el.Seconds(),
		CPUms: cpuPer(cpu, n.Load())}, nil
}
