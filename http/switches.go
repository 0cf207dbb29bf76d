package http

import (
	"context"
	"encoding/json"
	"sync"
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
// the TTL without a database read per request.
type switches struct {
	store purse.Store
	clock purse.Clock
	ttl   time.Duration

	mu          sync.Mutex
	loaded      time.Time
	maintenance *Maintenance
	minVersion  string
}

func (sw *switches) get(ctx context.Context) (*Maintenance, string) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if !sw.loaded.IsZero() && time.Since(sw.loaded) < sw.ttl {
		return sw.maintenance, sw.minVersion
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
		// Keep serving with the last known switches rather than failing every request.
		return sw.maintenance, sw.minVersion
	}
	sw.maintenance = nil
	if m != "" {
		var mm Maintenance
		if json.Unmarshal([]byte(m), &mm) == nil {
			sw.maintenance = &mm
		}
	}
	sw.minVersion, sw.loaded = v, time.Now()
	return sw.maintenance, sw.minVersion
}

func (sw *switches) forget() {
	sw.mu.Lock()
	sw.loaded = time.Time{}
	sw.mu.Unlock()
}

// SetMaintenance turns maintenance on (a notice) or off (nil), for every instance.
func (s *Server) SetMaintenance(ctx context.Context, m *Maintenance) error {
	value := ""
	if m != nil {
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
