package http

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// refusingStore is a store whose reads fail, as when the database refuses every connection and
// the store has waited for one in vain.
type refusingStore struct {
	purse.Store
	reads atomic.Int32
}

func (s *refusingStore) Read(context.Context, func(purse.Tx) error) error {
	s.reads.Add(1)
	return purse.Errorf(purse.CodeUnavailable, "the database refused a connection")
}

// When the switches cannot be read, the last known ones serve until the next refresh is due, and
// the requests meanwhile do not read again: each would wait its turn at the refresh lock behind
// the store's own waits for a connection, one after another.
func TestSwitchesKeptWhileUnreadable(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		what string
		last *switchState
	}{
		{"never read", nil},
		{"read before", &switchState{maintenance: &Maintenance{Notice: "upgrade"}, minVersion: "2.0"}},
	} {
		store := &refusingStore{}
		sw := &switches{store: store, ttl: time.Minute}
		if c.last != nil {
			sw.cur.Store(c.last) // loaded long ago: due for a refresh
		}
		want := &switchState{}
		if c.last != nil {
			want = c.last
		}
		for range 5 {
			if m, v := sw.get(ctx); m != want.maintenance || v != want.minVersion {
				t.Errorf("%s: switches %v %q, want the last known", c.what, m, v)
			}
		}
		if n := store.reads.Load(); n != 1 {
			t.Errorf("%s: %d reads for 5 requests, want 1 until the next refresh is due", c.what, n)
		}
	}
}
