package wallet

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// On PostgreSQL a group waits for a group in flight that names one of its accounts, and the
// transfers that arrive meanwhile join it; a group over other accounts goes at once (admit).
func TestGroupWaitsForTheGroupInFlightThatSharesAnAccount(t *testing.T) {
	const a, b, c, d, x = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b",
		"00000000-0000-4000-8000-00000000000c", "00000000-0000-4000-8000-00000000000d",
		"00000000-0000-4000-8000-0000000000ff"
	xfer := func(from, to string) *groupReq {
		return &groupReq{xfer: &transferJob{account: from, r: TransferRequest{To: to, Amount: 1}}, done: make(chan error, 1)}
	}
	inFlight := func(batch ...*groupReq) *flight {
		return &flight{accounts: accountsOf(batch), done: make(chan struct{})}
	}
	admitted := func(g *Group, batch []*groupReq, flying []*flight) chan []*groupReq {
		out := make(chan []*groupReq, 1)
		go func() {
			b, _ := g.admit(batch, flying)
			out <- b
		}()
		return out
	}
	waits := func(out chan []*groupReq) bool {
		select {
		case <-out:
			return false
		case <-time.After(100 * time.Millisecond):
			return true
		}
	}

	t.Run("other accounts go at once", func(t *testing.T) {
		g := NewGroup(nil, 4)
		ab := inFlight(xfer(a, b))
		// A phone number is not an account id: which account it names is learnt in the group.
		batch, flying := g.admit([]*groupReq{xfer(c, d), xfer(c, "13800138000")}, []*flight{ab})
		if len(batch) != 2 || len(flying) != 1 {
			t.Fatalf("admitted %d movements with %d groups in flight, want 2 with 1", len(batch), len(flying))
		}
	})

	t.Run("a shared account waits and the batch grows", func(t *testing.T) {
		g := NewGroup(nil, 4)
		ab := inFlight(xfer(a, b))
		out := admitted(g, []*groupReq{xfer(c, b)}, []*flight{ab})
		if !waits(out) {
			t.Fatal("a group naming b went while a group in flight held b")
		}
		g.reqs <- xfer(x, d)
		g.reqs <- xfer(d, c)
		time.Sleep(20 * time.Millisecond)
		close(ab.done)
		batch := <-out
		if len(batch) != 3 {
			t.Fatalf("the group that waited has %d movements, want 3 (the two that came meanwhile joined)", len(batch))
		}
	})

	t.Run("a full batch waits without taking more", func(t *testing.T) {
		g := NewGroup(nil, 2)
		ab := inFlight(xfer(a, b))
		out := admitted(g, []*groupReq{xfer(a, c), xfer(c, d)}, []*flight{ab})
		g.reqs <- xfer(x, d)
		if !waits(out) {
			t.Fatal("a group naming a went while a group in flight held a")
		}
		close(ab.done)
		if batch := <-out; len(batch) != 2 {
			t.Fatalf("a full group took %d movements, want 2", len(batch))
		}
		if len(g.reqs) != 1 {
			t.Fatal("the transfer that came while the full group waited was taken")
		}
	})

	t.Run("a group of unknown accounts waits for every group", func(t *testing.T) {
		g := NewGroup(nil, 4)
		step := &groupReq{fn: nil, done: make(chan error, 1)}
		ab := inFlight(xfer(a, b))
		out := admitted(g, []*groupReq{step}, []*flight{ab})
		if !waits(out) {
			t.Fatal("a movement that is not a transfer went beside a group in flight")
		}
		close(ab.done)
		<-out
		unknown := inFlight(step)
		out = admitted(g, []*groupReq{xfer(c, d)}, []*flight{unknown})
		if !waits(out) {
			t.Fatal("a transfer went beside a group in flight whose accounts are not known")
		}
		close(unknown.done)
		<-out
	})
}

// admitStore is a store whose groups do nothing: what is watched is when the committer begins each.
type admitStore struct {
	purse.Store
	dialect string
}

func (s admitStore) Dialect() string { return s.dialect }

func (s admitStore) Bind(ctx context.Context) (context.Context, func(bool) error, error) {
	return ctx, func(bool) error { return nil }, nil
}

// The committer applies admit on PostgreSQL only: there a group that shares an account with the
// group under way begins once that one has ended, and one over other accounts begins beside it.
// SQLite's groups take its one writer in turn, and begin as before.
func TestCommitterHoldsBackOnlyGroupsThatShareAnAccount(t *testing.T) {
	const a, b, c, d = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b",
		"00000000-0000-4000-8000-00000000000c", "00000000-0000-4000-8000-00000000000d"
	for _, tc := range []struct {
		dialect string
		held    bool // a group that shares an account waits for the one under way
	}{{"postgres", true}, {"sqlite", false}} {
		t.Run(tc.dialect, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			g := NewGroup(admitStore{dialect: tc.dialect}, 8)
			begun := make(chan string, 4)
			release := map[string]chan struct{}{a: make(chan struct{}), c: make(chan struct{})}
			g.batch = func(ctx context.Context, jobs []*transferJob) []error {
				begun <- jobs[0].account
				if r, ok := release[jobs[0].account]; ok {
					<-r
				}
				return make([]error, len(jobs))
			}
			g.Start(ctx)
			send := func(from, to string) chan error {
				out := make(chan error, 1)
				go func() {
					out <- g.enqueue(ctx, &groupReq{xfer: &transferJob{account: from, r: TransferRequest{To: to, Amount: 1}}, done: make(chan error, 1)})
				}()
				return out
			}
			began := func(want string) bool {
				select {
				case got := <-begun:
					if got != want {
						t.Fatalf("a group from %s began, want from %s", got, want)
					}
					return true
				case <-time.After(200 * time.Millisecond):
					return false
				}
			}
			first := send(a, b)
			if !began(a) {
				t.Fatal("the first group did not begin")
			}
			// c to d shares nothing with a to b: it begins beside it.
			other := send(c, d)
			if !began(c) {
				t.Fatal("a group over other accounts waited for the group under way")
			}
			close(release[c])
			<-other
			// b to c shares b.
			shared := send(b, c)
			if got := began(b); got != !tc.held {
				t.Fatalf("a group sharing an account with the group under way began at once: %v, want %v", got, !tc.held)
			}
			close(release[a])
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if tc.held && !began(b) {
				t.Fatal("the group that waited did not begin once the other ended")
			}
			if err := <-shared; err != nil {
				t.Fatal(err)
			}
		})
	}
}
