package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
	"github.com/purse-wallet/purse/vault"
)

// TestAttackBackupAfterRotation: a backup taken before the purge (SQLite's online backup, VACUUM
// INTO, and a plain copy of the database file and its WAL) opens in full with the master key,
// until the operator has added a version, rotated every live key to it, waited out the backup
// retention and destroyed the old version; from then on the product's own decryption code opens
// nothing of the purged person in it, while the live accounts still open and sign in. Before
// issue 15 there was no way to rotate, and such a backup opened for ever.
func TestAttackBackupAfterRotation(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	id, s := victim(t, e, "b4c4u9b4c4u9")
	live := e.SignUp("still.here@example.com")

	dir := t.TempDir()
	online := filepath.Join(dir, "online.db")
	if _, err := e.DB.SQL().Exec(`VACUUM INTO ?`, online); err != nil {
		t.Fatal(err)
	}
	var seq int
	var schema, file string
	if err := e.DB.SQL().QueryRow(`PRAGMA database_list`).Scan(&seq, &schema, &file); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dir, "copied.db")
	copyFile(t, file, copied)
	copyFile(t, file+"-wal", copied+"-wal")

	v1, _ := vault.New(apitest.MasterKey)
	for _, b := range []string{online, copied} {
		if got := openBackup(t, e, b, v1, id); got.phone == "" || got.email == "" || got.name == "" {
			t.Fatalf("%s: before any rotation the master key should open the backup, got %+v", filepath.Base(b), got)
		}
	}

	purgeDue(t, e, id)

	// The operator adds version 2 and restarts every instance with the keyring, then rotates.
	ring := vault.Keyring{Versions: map[int][]byte{1: apitest.MasterKey, 2: bytes.Repeat([]byte{0x42}, 32)}}
	e2 := apitest.On(t, e.DB, e.Clock, func(c *app.Config) { c.Keys = &ring })
	var progress []lifecycle.RotateProgress
	p, err := e2.App.Lifecycle.RotateKeys(context.Background(), func(p lifecycle.RotateProgress) { progress = append(progress, p) })
	if err != nil {
		t.Fatal(err)
	}
	// The live account's data key, and the purged account's records key (its AML identity).
	if p.Rewrapped != 2 || p.Total != 2 || len(progress) == 0 {
		t.Fatalf("rotation %+v (progress %v): want the live account's key and the records key rewrapped", p, progress)
	}
	if _, err := e2.App.Lifecycle.RotateKeys(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.App.Lifecycle.DestroyKeyVersion(context.Background(), 2, lifecycle.Period{Days: 35}); !errors.Is(err, lifecycle.ErrVersionCurrent) {
		t.Fatalf("destroying the current version: %v", err)
	}
	// Backups taken before the rotation need version 1 for as long as they are kept.
	e.Clock.Advance(34 * day)
	if _, err := e2.App.Lifecycle.DestroyKeyVersion(context.Background(), 1, lifecycle.Period{Days: 35}); !errors.Is(err, lifecycle.ErrVersionInBackup) {
		t.Fatalf("destroying version 1 inside the backup window: %v", err)
	}
	e.Clock.Advance(day)
	kv, err := e2.App.Lifecycle.DestroyKeyVersion(context.Background(), 1, lifecycle.Period{Days: 35})
	if err != nil || kv.DestroyedAt.IsZero() {
		t.Fatalf("destroying version 1 after the backup window: %+v, %v", kv, err)
	}

	// Every instance now runs without version 1: live accounts open and sign in as before.
	rest := ring.Without(1)
	if rest.Versions[1] != nil || rest.Lookup == nil {
		t.Fatalf("the keyring after destruction: %+v", rest)
	}
	text := rest.Format()
	if strings.Contains(text, strings.Repeat("07", 32)) {
		t.Fatal("the rewritten keyring still holds version 1")
	}
	parsed, err := vault.ParseKeyring(text)
	if err != nil {
		t.Fatal(err)
	}
	e3 := apitest.On(t, e.DB, e.Clock, func(c *app.Config) { c.Keys = &parsed })
	if got, err := e3.App.Accounts.Get(context.Background(), live.ID); err != nil || got.Email != "still.here@example.com" {
		t.Fatalf("the live account after destruction: %+v, %v", got, err)
	}
	e3.Call("POST", "/api/v1/sessions", map[string]any{"login": live.Phone, "password": live.Password}).Expect(t, 201)

	// The attacker holds the backups and the keyring as it now is.
	v2, err := vault.Open(parsed)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{online, copied} {
		if got := openBackup(t, e, b, v2, id); got != (personal{}) {
			t.Errorf("%s: after version 1 was destroyed the backup still opens to %+v", filepath.Base(b), got)
		}
		// What the backup holds in clear, outside the sealed columns, no key change can take back.
		raw, _ := os.ReadFile(b)
		wal, _ := os.ReadFile(b + "-wal")
		t.Logf("%s: in clear in the backup: %v", filepath.Base(b), secrets{"phone": s["phone"], "email": s["email"],
			"linked external id": s["linked external id"], "one-time code": s["one-time code"],
			"sign-up code": s["sign-up code"]}.found(append(raw, wal...)))
	}
}

// openBackup opens a backup's copy with the vault and decrypts what it can of the account.
func openBackup(t *testing.T, e *apitest.Env, path string, v *vault.Vault, id string) personal {
	t.Helper()
	work := filepath.Join(t.TempDir(), "open.db")
	copyFile(t, path, work)
	if _, err := os.Stat(path + "-wal"); err == nil {
		copyFile(t, path+"-wal", work+"-wal")
	}
	db, err := sqlite.Open(context.Background(), work, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var p personal
	err = db.Read(context.Background(), func(tx purse.Tx) error {
		ctx := context.Background()
		k, err := tx.DataKey(ctx, id)
		if err != nil {
			return err
		}
		key, err := v.Unwrap(id, k.Wrapped)
		if errors.Is(err, vault.ErrVersionDestroyed) || errors.Is(err, vault.ErrShredded) {
			return nil
		}
		if err != nil {
			return err
		}
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		p.phone, _ = key.Open("phone", a.PhoneSealed)
		p.email, _ = key.Open("email", a.EmailSealed)
		p.name, _ = key.Open("name", a.NameSealed)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRotateKeys checks on both stores that a rotation rewraps every live data key and no
// destroyed one, reports its progress, and retires the older version only once no live key needs
// it; and that destruction waits for the backup window.
func TestRotateKeys(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		a, b := e.SignUp("rot.a@example.com"), e.SignUp("")
		gone := register(t, e, apitest.NextPhone(), "rot.gone@example.com", "")
		e.MarkClosed(t, gone)
		purgeDue(t, e, gone)

		ring := vault.Keyring{Versions: map[int][]byte{1: apitest.MasterKey, 3: bytes.Repeat([]byte{0x33}, 32)}}
		e2 := apitest.On(t, e.DB, e.Clock, func(c *app.Config) { c.Keys = &ring })
		ctx := context.Background()
		before, err := e2.App.Lifecycle.KeyVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Two live accounts' data keys and the purged one's records key (its AML identity).
		if len(before) != 2 || before[0].Version != 1 || before[0].LiveKeys != 3 || before[1].Version != 3 || !before[1].Current {
			t.Fatalf("versions before the rotation: %+v", before)
		}
		if _, err := e2.App.Lifecycle.DestroyKeyVersion(ctx, 1, lifecycle.Period{Days: 1}); !errors.Is(err, lifecycle.ErrVersionInUse) {
			t.Fatalf("destroying a version live keys use: %v", err)
		}
		p, err := e2.App.Lifecycle.RotateKeys(ctx, nil)
		if err != nil || p.Rewrapped != 3 || p.ToRewrap != 3 || p.Total != 3 || p.Scanned != 3 {
			t.Fatalf("rotation: %+v, %v", p, err)
		}
		after, err := e2.App.Lifecycle.KeyVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after[0].LiveKeys != 0 || after[0].RetiredAt.IsZero() || after[1].LiveKeys != 3 {
			t.Fatalf("versions after the rotation: %+v", after)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM data_keys WHERE account_id = ? AND wrapped IS NULL`, gone); n != 1 {
			t.Fatal("the rotation brought a destroyed key back")
		}
		for _, u := range []*apitest.User{a, b} {
			if got, err := e2.App.Accounts.Get(ctx, u.ID); err != nil || got.Phone != u.Phone {
				t.Fatalf("account after the rotation: %+v, %v", got, err)
			}
		}
		e.Clock.Advance(day)
		if _, err := e2.App.Lifecycle.DestroyKeyVersion(ctx, 1, lifecycle.Period{Days: 1}); err != nil {
			t.Fatal(err)
		}
		// The purged account's AML identity survives the destruction of the version it was sealed
		// under: the rotation rewrapped its records key.
		without := ring.Without(1)
		e3 := apitest.On(t, e.DB, e.Clock, func(c *app.Config) { c.Keys = &without })
		if _, err := e3.App.Lifecycle.RecordsIdentity(ctx, gone); err != nil {
			t.Errorf("records identity after version 1 was destroyed: %v", err)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action IN ('keys.rotated', 'keys.version_destroyed')`); n != 2 {
			t.Errorf("%d key audit events, want the rotation and the destruction", n)
		}
	})
}
