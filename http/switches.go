package http

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
)

// Setting keys of the live switches an operator flips from the admin console.
const (
	SettingMaintenance      = "maintenance"        // JSON Maintenance; "" = off
	SettingMinClientVersion = "min_client_version" // e.g. "3.2.0"; "" = any
)

// Maintenance is the stored maintenance switch.
type Maintenance struct {
	Notice string    `json:"notice"`
	Until  time.Time `json:"until,omitzero"` // when the operator expects to be back
}

// switches caches the live switches for a short TTL, so that every instance sees a change within
// the TTL without a database read per request. Every request reads them: the fresh answer is one
// atomic load, and only a refresh takes the lock (one refresh at a time, not one per request).
type switches struct {
	store purse.Store
	clock purse.Clock
	ttl   time.Duration

	cur atomic.Pointer[switchState] // nil until first loaded
	mu  sync.Mutex                  // held by the one refresh
}

type switchState struct {
	loaded      time.Time
	maintenance *Maintenance
	minVersion  string
}

func (sw *switches) get(ctx context.Context) (*Maintenance, string) {
	if st := sw.cur.Load(); st != nil && time.Since(st.loaded) < sw.ttl {
		return st.maintenance, st.minVersion
	}
	sw.mu.Lock()
	defer sw.mu.Unlock()
	old := sw.cur.Load()
	if old != nil && time.Since(old.loaded) < sw.ttl {
		return old.maintenance, old.minVersion // refreshed while this caller waited
	}
	var m, v string
	err := sw.store.Read(ctx, func(tx purse.Tx) error {
		var err error
		if m, err = tx.Setting(ctx, SettingMaintenance); err != nil {
			return err
		}
		v, err = tx.Setting(ctx, SettingMinClientVersion)
		return err
	})
	if err != nil {
		// Keep serving with the last known switches (none before the first read) rather than
		// failing every request, and keep them until the next refresh is due: the store may have
		// waited for a connection in vain (a full database), and every request queued on mu would
		// otherwise wait as long again, one after another.
		kept := &switchState{loaded: time.Now()}
		if old != nil {
			kept.maintenance, kept.minVersion = old.maintenance, old.minVersion
		}
		sw.cur.Store(kept)
		return kept.maintenance, kept.minVersion
	}
	st := &switchState{minVersion: v, loaded: time.Now()}
	if m != "" {
		var mm Maintenance
		if json.Unmarshal([]byte(m), &mm) == nil {
			st.maintenance = &mm
		}
	}
	sw.cur.Store(st)
	return st.maintenance, st.minVersion
}

// forget makes the next request read the switches afresh (the last known stay the fallback).
func (sw *switches) forget() {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if old := sw.cur.Load(); old != nil {
		sw.cur.Store(&switchState{maintenance: old.maintenance, minVersion: old.minVersion})
	}
}

// SetMaintenance turns maintenance on (a notice) or off (nil), for every instance.
func (s *Server) SetMaintenance(ctx context.Context, m *Maintenance) error {
	value := ""
	if m != nil {
		if err := purse.CheckText("notice", m.Notice); err != nil {
			return err
		}
		b, _ := json.Marshal(m)
		value = string(b)
	}
	defer s.switches.forget()
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return tx.SetSetting(ctx, SettingMaintenance, value, tx.Now())
	})
}

// SetMinClientVersion sets the oldest client version the API serves ("" for any).
func (s *Server) SetMinClientVersion(ctx context.Context, v string) error {
	if v != "" && !validVersion(v) {
		return purse.Errorf(purse.CodeInvalidRequest, "version %q is not dotted numbers", v)
	}
	defer s.switches.forget()
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return tx.SetSetting(ctx, SettingMinClientVersion, v, tx.Now())
	})
}
