package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// A write transaction is reported committed only after an fsync of the WAL that began after its
// COMMIT returned, and concurrent commits share fsyncs.
func TestCommitWaitsForWALSync(t *testing.T) {
	var syncs atomic.Int64
	real := syncFile
	syncFile = func(path string) error {
		syncs.Add(1)
		return real(path)
	}
	t.Cleanup(func() { syncFile = real })
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(context.Background(), path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	before := syncs.Load()
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx purse.Tx) error {
		return tx.SetSetting(ctx, "wal-sync-test", "1", tx.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if syncs.Load() == before {
		t.Fatal("a write transaction returned without an fsync of the WAL")
	}

	before = syncs.Load()
	if err := db.Read(ctx, func(tx purse.Tx) error {
		_, err := tx.Setting(ctx, "wal-sync-test")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if syncs.Load() != before {
		t.Fatal("a read-only transaction fsynced")
	}
}

// Waiters that arrive while an fsync runs are covered by the next one; none returns before a
// sync that started after its own commit.
func TestWALSyncCoversEveryCommit(t *testing.T) {
	w := newWALSync(filepath.Join(t.TempDir(), "none-wal"))
	var started atomic.Uint64 // commits issued when the latest fsync began
	real := syncFile
	var syncs atomic.Int64
	syncFile = func(string) error {
		started.Store(w.commits.Load())
		syncs.Add(1)
		return nil
	}
	t.Cleanup(func() { syncFile = real })
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			before := w.commits.Load() // this commit will be numbered after it
			if err := w.wait(); err != nil {
				t.Error(err)
			}
			if started.Load() <= before {
				t.Errorf("commit after #%d returned before an fsync that began after it", before)
			}
		}(i)
	}
	wg.Wait()
	if w.synced != w.commits.Load() || w.synced != 200 {
		t.Fatalf("synced %d of %d commits", w.synced, w.commits.Load())
	}
	if n := syncs.Load(); n < 1 || n > 200 {
		t.Fatalf("%d fsyncs for 200 commits", n)
	}
	t.Logf("200 concurrent commits, %d fsyncs", syncs.Load())
}

// The writer never checkpoints (wal_autocheckpoint=0); the checkpointer copies the WAL into the
// database file from its own connection once the WAL passes its soft limit.
func TestCheckpointerBackfillsTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := Open(context.Background(), path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	blob := strings.Repeat("x", 64<<10)
	for i := 0; i < 100; i++ { // 6.4 MB of WAL, past the 4 MB soft limit
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			return tx.SetSetting(ctx, fmt.Sprintf("blob-%d", i), blob, tx.Now())
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > before.Size()+softLimit {
			return // the pages reached the database file
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes (%d before) 30 s after 6.4 MB of commits", fi.Size(), before.Size())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A path with the characters an SQLite URI gives a meaning opens that very file: "#" once cut the
// path short, so the database lived elsewhere and its WAL was not the one the commit fsync synced.
func TestPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#1?b%2")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "purse.db")
	db, err := Open(context.Background(), path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, "k", "v", tx.Now()) }); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
}

// Sixteen writers commit 128 MiB of pages between them, and the checkpointer keeps the WAL file
// under its size limit all along (with no checkpoint it would hold all 128 MiB; under the group
// committer's unbroken stream, with passive checkpoints alone, it reached 282 MiB in 10 s).
// TestCheckpointerRestartsALongWAL covers the restart itself, which the stream here seldom needs.
func TestCheckpointerKeepsTheWALBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.db")
	db, err := Open(context.Background(), path, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	blob := strings.Repeat("y", 64<<10)
	const writers, commits = 16, 128 // 16 × 128 × 64 KiB = 128 MiB
	var maxSize atomic.Int64
	done := make(chan struct{})
	go func() {
		for {
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > maxSize.Load() {
				maxSize.Store(fi.Size())
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range commits {
				key := fmt.Sprintf("blob-%d-%d", w, i%8) // rewrite the same rows: pages, not growth
				if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, key, blob, tx.Now()) }); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if m := maxSize.Load(); m >= walSizeLimit {
		t.Fatalf("the WAL file reached %d MiB while 128 MiB were committed; want under %d MiB", m>>20, walSizeLimit>>20)
	}
	t.Logf("largest WAL file: %d MiB", maxSize.Load()>>20)
}

// Under commits that never pause, a PASSIVE checkpoint never finds the WAL wholly copied, and only
// then does the next writer start it over; so past restartFrames the pass follows it with a
// RESTART, and below them it does not (a RESTART holds the writer out while it runs).
func TestCheckpointerRestartsALongWAL(t *testing.T) {
	wal := filepath.Join(t.TempDir(), "r.db-wal")
	if err := os.WriteFile(wal, make([]byte, softLimit), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		frames int64
		want   string
	}{{restartFrames - 1, "PASSIVE"}, {restartFrames, "PASSIVE RESTART"}, {5 * restartFrames, "PASSIVE RESTART"}} {
		var modes []string
		c := &checkpointer{wal: wal, softLimit: softLimit, restartAfter: restartFrames}
		c.run = func(mode string) (int64, error) {
			modes = append(modes, mode)
			return tc.frames, nil
		}
		c.pass()
		if got := strings.Join(modes, " "); got != tc.want {
			t.Errorf("%d frames: %q, want %q", tc.frames, got, tc.want)
		}
	}
	small := &checkpointer{wal: wal, softLimit: softLimit + 1, restartAfter: restartFrames,
		run: func(string) (int64, error) { t.Error("checkpoint of a WAL under the soft limit"); return 0, nil }}
	small.pass()
}
