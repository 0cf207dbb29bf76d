package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
	"github.com/purse-wallet/purse/vault"
)

// personal is the personal data the shredding tests look for.
type personal struct {
	phone, email, name, card, holder string
}

func (p personal) values() map[string]string {
	return map[string]string{"phone": p.phone, "email": p.email, "name": p.name, "card number": p.card,
		"card holder": p.holder}
}

// closedWithData registers an account holding every kind of personal data, closes it and returns
// its id.
func closedWithData(t *testing.T, e *apitest.Env, p personal) string {
	t.Helper()
	id := register(t, e, p.phone, p.email, p.name)
	bindCard(t, e, id, p.card, p.holder)
	e.MarkClosed(t, id)
	return id
}

// purgeDue advances past the personal-data retention (GE-8: 30 days) and runs the purge through
// both of its steps: the notice, its delivery, then the erasure.
func purgeDue(t *testing.T, e *apitest.Env, id string) {
	t.Helper()
	e.Clock.Advance(31 * day)
	if n := run(t, e, "purge-personal"); n != 1 {
		t.Fatalf("notice step handled %d accounts, want 1", n)
	}
	if got := account(t, e, id).Status; got != purse.StatusClosed {
		t.Fatalf("after the notice step the account is %s, want still closed", got)
	}
	// While the notice waits for delivery the account is not taken again.
	if n := run(t, e, "purge-personal"); n != 0 {
		t.Fatalf("a second run handled %d accounts while the notice is pending", n)
	}
	// The delivery worker sends it.
	exec(t, e, `UPDATE outbox SET status = 'sent' WHERE template = 'data_erased' AND account_id = ?`, id)
	if n := run(t, e, "purge-personal"); n != 1 {
		t.Fatalf("erase step handled %d accounts, want 1", n)
	}
}

// TestShredFileCopy is the test issue 5 demands: a copy of the SQLite file taken before the purge
// holds the personal data sealed and the master key opens it; a copy taken after holds none of
// it, neither in clear nor in a form the master key can open, because the data key is gone.
func TestShredFileCopy(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	p := personal{phone: "13912345678", email: "li.wei.shred@example.com", name: "李伟测试",
		card: "6222020200112233445", holder: "LI WEI HOLDER"}
	id := closedWithData(t, e, p)

	before := snapshot(t, e, "before.db")
	for what, v := range p.values() {
		if bytes.Contains(before, []byte(v)) {
			t.Errorf("before the purge the file holds the %s in clear: it should be sealed", what)
		}
	}
	got := openCopy(t, e, filepath.Join(t.TempDir(), "before.db"), before, id)
	if got != p {
		t.Fatalf("before the purge the master key opens %+v, want %+v", got, p)
	}
	sealed := [][]byte{account(t, e, id).PhoneSealed, account(t, e, id).EmailSealed, account(t, e, id).NameSealed}
	var number, holder []byte
	if err := e.DB.SQL().QueryRow(`SELECT number_sealed, holder_sealed FROM cards WHERE account_id = ?`, id).
		Scan(&number, &holder); err != nil {
		t.Fatal(err)
	}
	sealed = append(sealed, number, holder)

	purgeDue(t, e, id)

	after := snapshot(t, e, "after.db")
	for what, v := range p.values() {
		if bytes.Contains(after, []byte(v)) {
			t.Errorf("after the purge the file still holds the %s", what)
		}
	}
	for i, c := range sealed {
		if len(c) == 0 || bytes.Contains(after, c) {
			t.Errorf("after the purge the file still holds sealed value %d (or it was empty before)", i)
		}
	}
	if bytes.Contains(after, []byte("139****5678")) {
		t.Error("after the purge the file still holds the masked phone")
	}
	copyPath := filepath.Join(t.TempDir(), "after.db")
	if err := os.WriteFile(copyPath, after, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), copyPath, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, _ := vault.New(apitest.MasterKey)
	err = db.Read(context.Background(), func(tx purse.Tx) error {
		k, err := tx.DataKey(context.Background(), id)
		if err != nil {
			return err
		}
		if _, err := v.Unwrap(id, k.Wrapped); !errors.Is(err, vault.ErrShredded) {
			t.Errorf("the copy's data key unwraps (err %v): it should be destroyed", err)
		}
		a, err := tx.Account(context.Background(), id)
		if err != nil {
			return err
		}
		if a.Status != purse.StatusPurged || a.PhoneSealed != nil || a.EmailSealed != nil || a.NameSealed != nil ||
			a.PhoneHash != "" || a.EmailHash != "" {
			t.Errorf("the copy's account row still holds personal data: %+v", a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot checkpoints the WAL into the database file and returns a copy of the file's bytes, as
// a backup would take it.
func snapshot(t *testing.T, e *apitest.Env, name string) []byte {
	t.Helper()
	if _, err := e.DB.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var seq int
	var schema, file string
	if err := e.DB.SQL().QueryRow(`PRAGMA database_list`).Scan(&seq, &schema, &file); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if wal, err := os.Stat(file + "-wal"); err == nil && wal.Size() != 0 {
		t.Fatalf("%s: the WAL still holds %d bytes after the checkpoint", name, wal.Size())
	}
	return b
}

// openCopy writes the bytes to path, opens them as a store and decrypts the account's personal
// data with the master key alone.
func openCopy(t *testing.T, e *apitest.Env, path string, file []byte, id string) personal {
	t.Helper()
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := vault.New(apitest.MasterKey)
	if err != nil {
		t.Fatal(err)
	}
	var number, holder []byte
	if err := db.SQL().QueryRow(`SELECT number_sealed, holder_sealed FROM cards WHERE account_id = ?`, id).
		Scan(&number, &holder); err != nil {
		t.Fatal(err)
	}
	var p personal
	err = db.Read(context.Background(), func(tx purse.Tx) error {
		ctx := context.Background()
		k, err := tx.DataKey(ctx, id)
		if err != nil {
			return err
		}
		key, err := v.Unwrap(id, k.Wrapped)
		if err != nil {
			return err
		}
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		for _, f := range []struct {
			field  string
			sealed []byte
			into   *string
		}{{"phone", a.PhoneSealed, &p.phone}, {"email", a.EmailSealed, &p.email}, {"name", a.NameSealed, &p.name},
			{"card_number", number, &p.card}, {"card_holder", holder, &p.holder}} {
			if *f.into, err = key.Open(f.field, f.sealed); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
