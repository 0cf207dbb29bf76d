package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/vault"
)

// Master-key versions (vault.Keyring) bound how long a backup reveals a purged account. A backup
// holds the data keys wrapped under the versions current when it was taken; once every such
// version is destroyed, nothing in it opens. The cycle is: add a version to the keyring and
// restart every instance (new data keys are wrapped under it), run RotateKeys (every live data key
// is rewrapped under it, and the older versions are recorded as retired), wait out the backup
// retention, then DestroyKeyVersion and remove the version from the keyring.

// KeyVersion is one master-key version as the store and the keyring know it.
type KeyVersion struct {
	Version int `json:"version"`
	// LiveKeys counts the data keys of accounts not yet purged that are wrapped under it.
	LiveKeys  int  `json:"live_keys"`
	InKeyring bool `json:"in_keyring"`
	Current   bool `json:"current"`
	// RetiredAt is when a rotation found no live data key under it any more; backups taken
	// before then need it. Zero while live keys remain.
	RetiredAt   time.Time `json:"retired_at,omitzero"`
	DestroyedAt time.Time `json:"destroyed_at,omitzero"`
}

// keyVersionsSetting holds the retired and destroyed times, by version, as JSON.
const keyVersionsSetting = "master_key_versions"

type versionTimes struct {
	RetiredAt   time.Time `json:"retired_at,omitzero"`
	DestroyedAt time.Time `json:"destroyed_at,omitzero"`
}

// scanBatch is how many data keys one read or one rotation transaction takes.
const scanBatch = 500

// KeyVersions lists every version the keyring holds, the live data keys use or the store recorded,
// lowest first. It reads every live data key (in batches): a maintenance command's cost.
func (s *Service) KeyVersions(ctx context.Context) ([]KeyVersion, error) {
	live := map[int]int{}
	after := ""
	for {
		var keys []*purse.DataKey
		err := s.Store.Read(ctx, func(tx purse.Tx) error {
			var err error
			keys, err = tx.LiveDataKeys(ctx, after, scanBatch)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			live[vault.VersionOf(k.Wrapped)]++
		}
		if len(keys) < scanBatch {
			break
		}
		after = keys[len(keys)-1].AccountID
	}
	var times map[int]versionTimes
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		times, err = readVersionTimes(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, v := range s.Vault.Versions() {
		seen[v] = true
	}
	for v := range live {
		seen[v] = true
	}
	for v := range times {
		seen[v] = true
	}
	out := make([]KeyVersion, 0, len(seen))
	for v := range seen {
		out = append(out, KeyVersion{Version: v, LiveKeys: live[v], InKeyring: s.Vault.Has(v), Current: v == s.Vault.Current(),
			RetiredAt: times[v].RetiredAt, DestroyedAt: times[v].DestroyedAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// RotateProgress is how far a rotation got: live data keys read, and rewrapped of those to rewrap.
type RotateProgress struct {
	Scanned, Rewrapped, ToRewrap, Total int
}

// RotateKeys rewraps every live data key under the keyring's current version, one transaction per
// batch, calling progress after each, and records every older version no live key needs any more
// as retired (now). The data keys themselves do not change, so nothing they sealed is touched. A
// rotation can be stopped and run again: it skips the keys already rewrapped. A key destroyed by
// a purge meanwhile stays destroyed (the rewrap only replaces the wrapped key it read).
func (s *Service) RotateKeys(ctx context.Context, progress func(RotateProgress)) (RotateProgress, error) {
	before, err := s.KeyVersions(ctx)
	if err != nil {
		return RotateProgress{}, err
	}
	var p RotateProgress
	for _, v := range before {
		p.Total += v.LiveKeys
		if !v.Current {
			p.ToRewrap += v.LiveKeys
		}
		if v.LiveKeys > 0 && !v.InKeyring {
			return p, fmt.Errorf("rotate: %d live data keys are wrapped under master-key version %d, which the keyring does not hold: add it back, or they cannot be rewrapped", v.LiveKeys, v.Version)
		}
	}
	after := ""
	for {
		var keys []*purse.DataKey
		rewrapped := 0
		err := s.Store.Tx(ctx, func(tx purse.Tx) error {
			var err error
			rewrapped = 0
			if keys, err = tx.LiveDataKeys(ctx, after, scanBatch); err != nil {
				return err
			}
			for _, k := range keys {
				wrapped, changed, err := s.Vault.Rewrap(k.AccountID, k.Wrapped)
				if err != nil {
					return fmt.Errorf("rotate: %w", err)
				}
				if !changed {
					continue
				}
				if ok, err := tx.RewrapDataKey(ctx, k.AccountID, k.Wrapped, wrapped); err != nil {
					return err
				} else if ok {
					rewrapped++
				}
			}
			return nil
		})
		if err != nil {
			return p, err
		}
		p.Scanned += len(keys)
		p.Rewrapped += rewrapped
		if progress != nil {
			progress(p)
		}
		if len(keys) < scanBatch {
			break
		}
		after = keys[len(keys)-1].AccountID
	}
	if err := s.retire(ctx, p); err != nil {
		return p, err
	}
	// The rewrap left the keys wrapped under the older versions in the WAL and in dead row versions;
	// they stop mattering when those versions are destroyed, but need not wait for it.
	return p, s.Store.Scrub(ctx)
}

// retire records, after a rotation, which older versions no live key needs.
func (s *Service) retire(ctx context.Context, p RotateProgress) error {
	after, err := s.KeyVersions(ctx)
	if err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		times, err := readVersionTimes(ctx, tx)
		if err != nil {
			return err
		}
		var retired []string
		for _, v := range after {
			t := times[v.Version]
			switch {
			case v.Current || !v.DestroyedAt.IsZero():
				continue
			case v.LiveKeys > 0:
				// An instance still running with the older keyring wrapped new keys under it.
				t.RetiredAt = time.Time{}
			case t.RetiredAt.IsZero():
				t.RetiredAt = tx.Now()
				retired = append(retired, strconv.Itoa(v.Version))
			}
			times[v.Version] = t
		}
		if err := writeVersionTimes(ctx, tx, times); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "system", "keys.rotated", "master-key", map[string]string{
			"current": strconv.Itoa(s.Vault.Current()), "rewrapped": strconv.Itoa(p.Rewrapped),
			"live_keys": strconv.Itoa(p.Total), "retired": fmt.Sprint(retired)})
	})
}

// Errors of DestroyKeyVersion.
var (
	ErrVersionCurrent  = errors.New("the current master-key version cannot be destroyed: add a newer one and rotate first")
	ErrVersionInUse    = errors.New("live data keys are still wrapped under this version: run `purse keys rotate` first")
	ErrVersionInBackup = errors.New("backups within the backup-retention window still need this version")
)

// DestroyKeyVersion records the version as destroyed, once no live data key and no backup within
// the backup-retention window needs it: it must be retired (RotateKeys) for at least
// backupRetention. The caller then removes it from the keyring; from then on no copy of a data key
// wrapped under it (a backup, a dead row, a WAL segment) opens.
func (s *Service) DestroyKeyVersion(ctx context.Context, version int, backupRetention Period) (KeyVersion, error) {
	if version == s.Vault.Current() {
		return KeyVersion{}, ErrVersionCurrent
	}
	if backupRetention == (Period{}) {
		return KeyVersion{}, errors.New("destroy: the backup retention must be given")
	}
	versions, err := s.KeyVersions(ctx)
	if err != nil {
		return KeyVersion{}, err
	}
	var kv KeyVersion
	for _, v := range versions {
		if v.Version == version {
			kv = v
		}
	}
	switch {
	case kv.Version == 0:
		return kv, fmt.Errorf("destroy: no master-key version %d", version)
	case !kv.DestroyedAt.IsZero():
		return kv, nil
	case kv.LiveKeys > 0:
		return kv, fmt.Errorf("destroy version %d: %d live data keys: %w", version, kv.LiveKeys, ErrVersionInUse)
	case kv.RetiredAt.IsZero():
		return kv, fmt.Errorf("destroy version %d: it was never retired by a rotation: %w", version, ErrVersionInUse)
	}
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		if until := backupRetention.After(kv.RetiredAt); tx.Now().Before(until) {
			return fmt.Errorf("destroy version %d: retired %s; backups taken before then are kept until %s (backup retention %s): %w",
				version, kv.RetiredAt.Format(time.RFC3339), until.Format(time.RFC3339), backupRetention, ErrVersionInBackup)
		}
		times, err := readVersionTimes(ctx, tx)
		if err != nil {
			return err
		}
		t := times[version]
		t.RetiredAt, t.DestroyedAt = kv.RetiredAt, tx.Now()
		times[version], kv.DestroyedAt = t, tx.Now()
		if err := writeVersionTimes(ctx, tx, times); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "system", "keys.version_destroyed", "master-key", map[string]string{
			"version": strconv.Itoa(version), "retired_at": kv.RetiredAt.UTC().Format(time.RFC3339),
			"backup_retention": backupRetention.String()})
	})
	return kv, err
}

func readVersionTimes(ctx context.Context, tx purse.Tx) (map[int]versionTimes, error) {
	out := map[int]versionTimes{}
	raw, err := tx.Setting(ctx, keyVersionsSetting)
	if err != nil || raw == "" {
		return out, err
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("setting %s: %w", keyVersionsSetting, err)
	}
	return out, nil
}

func writeVersionTimes(ctx context.Context, tx purse.Tx, times map[int]versionTimes) error {
	b, err := json.Marshal(times)
	if err != nil {
		return err
	}
	return tx.SetSetting(ctx, keyVersionsSetting, string(b), tx.Now())
}
