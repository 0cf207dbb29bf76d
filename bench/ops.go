package bench

import (
	"context"
	"fmt"
	"io"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// OpsOptions is a run of a fixed number of operations, for counting instructions (issue 19): on
// this shared machine a CPU time moves with the neighbours' load, while the instructions a run
// executes do not. Run under `valgrind --tool=callgrind` at two counts N1 and N2 with the same
// setup, a run's instructions give an operation's as (I(N2) − I(N1)) ÷ (N2 − N1) (see PerOp):
// the server's start, the accounts, the warm-up and the last operations' tail cancel out.
type OpsOptions struct {
	DB string // as Options.DB
	// Op is what is counted: OpFlow, a complete tenpay closure flow as `bench payments` runs it
	// (six steps through HTTP and the load generator's read of the SMS code), or OpTransfer, a
	// 1.00 CNY transfer without the payment password through HTTP, in commit groups as purse
	// serve runs them (payments' "plain" transfer).
	Op      string
	Clients int // concurrent clients, closed loop
	N       int // operations counted
	Warm    int // operations run first and not counted: connections, prepared statements, caches
	// Accounts: for flows, the flow accounts made, at least Warm + N (each flow closes one); the
	// same at both counts so that the setup is the same. For transfers, the accounts the transfers
	// move between (payments' --accounts).
	Accounts int
	// Idle is how long the server sits without requests after the counted operations. A run at
	// N = 0 with and without it gives the instructions the process spends per second on its own
	// (job loops, the checkpointer, the runtime): valgrind slows a run some fifty times, so that
	// background weighs more per operation under it than on the bare machine.
	Idle time.Duration
	// StoreDeadline is the app's (0: sqlstore.DefaultDeadline): a PostgreSQL server under
	// valgrind takes seconds to start each new connection's backend, past a request's default.
	StoreDeadline time.Duration
	// CPUProfile, if set, receives a CPU profile of the counted operations only (not the setup
	// or the warm-up): where a flow's instructions go, by caller, which cachegrind's per-function
	// counts cannot say (valgrind 3.19's callgrind aborts on Go's signals).
	CPUProfile io.Writer
}

// The operations RunOps counts.
const (
	OpFlow     = "flow"
	OpTransfer = "transfer"
)

// OpsResult is what a RunOps run did after its warm-up.
type OpsResult struct {
	Store   string  `json:"store"`
	Op      string  `json:"op"`
	Clients int     `json:"clients"`
	Warm    int     `json:"warm"`
	N       int     `json:"n"`
	Seconds float64 `json:"seconds"`
	CPUms   float64 `json:"cpu_ms_per_op"` // this process's CPU per counted operation (rusage)
}

// RunOps starts a server on a fresh store, makes o's accounts, runs o.Warm operations and then
// o.N, o.Clients at a time, and stops. Every operation must succeed: one that failed would leave
// the count of instructions per operation wrong.
func RunOps(ctx context.Context, o OpsOptions) (*OpsResult, error) {
	if o.Clients < 1 || o.N < 0 || o.Warm < 0 {
		return nil, fmt.Errorf("bench: ops needs clients ≥ 1 and counts ≥ 0, got %d, %d, %d", o.Clients, o.N, o.Warm)
	}
	s, err := start(ctx, o.DB, lifecycle.Policy{}, o.StoreDeadline)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var job func(context.Context) error
	switch o.Op {
	case OpFlow:
		if o.Accounts < o.Warm+o.N {
			return nil, fmt.Errorf("bench: %d flow accounts for %d flows", o.Accounts, o.Warm+o.N)
		}
		users, err := s.makeAccounts(ctx, o.Accounts, spec{prefix: "155", session: true})
		if err != nil {
			return nil, err
		}
		job, _ = s.flowJob(users, o.Clients)
	case OpTransfer:
		if o.Accounts < 2 {
			return nil, fmt.Errorf("bench: transfers need 2 accounts or more, got %d", o.Accounts)
		}
		users, err := s.makeAccounts(ctx, o.Accounts, spec{prefix: "156", session: true, smallPay: true})
		if err != nil {
			return nil, err
		}
		if err := s.fund(ctx, users); err != nil {
			return nil, err
		}
		job = s.transferJob([]string{s.URL}, users, o.Clients, plainAmount, "")
	default:
		return nil, fmt.Errorf("bench: unknown operation %q (%s or %s)", o.Op, OpFlow, OpTransfer)
	}
	if err := times(ctx, o.Clients, o.Warm, job); err != nil {
		return nil, fmt.Errorf("bench: warm-up: %w", err)
	}
	if o.CPUProfile != nil {
		if err := pprof.StartCPUProfile(o.CPUProfile); err != nil {
			return nil, err
		}
	}
	t0, cpu0 := time.Now(), processCPU()
	err = times(ctx, o.Clients, o.N, job)
	if o.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	d := time.Since(t0)
	if o.Idle > 0 {
		wait(ctx, o.Idle, nil)
	}
	return &OpsResult{Store: s.Kind, Op: o.Op, Clients: o.Clients, Warm: o.Warm, N: o.N, Seconds: d.Seconds(),
		CPUms: cpuPer(processCPU()-cpu0, int64(o.N))}, nil
}

// times runs job exactly n times, on workers concurrent workers that each take the next one
// until none is left, and returns the first error.
func times(ctx context.Context, workers, n int, job func(context.Context) error) error {
	var (
		left  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	left.Store(int64(n))
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 && ctx.Err() == nil {
				if err := job(ctx); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
