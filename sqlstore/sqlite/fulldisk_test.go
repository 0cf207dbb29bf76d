package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore/sqlite"
)

// smallDisk mounts a tmpfs of size bytes on a fresh directory: a real file system that fills up
// (a size-limited file would fail with EFBIG, not ENOSPC, and only for one file). Mounting needs
// root; the CI machine runs the tests as root, and elsewhere the test says why it skips.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("a small disk needs mount(8) as root: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a ballast file that leaves about room bytes free on dir's file system.
func fill(t *testing.T, dir string, room int64) string {
	t.Helper()
	ballast := filepath.Join(dir, "ballast")
	f, err := os.Create(ballast)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	fi, _ := os.Stat(ballast)
	if err := os.Truncate(ballast, max(0, fi.Size()-room)); err != nil {
		t.Fatal(err)
	}
	return ballast
}

// SQLite on a disk that fills up (issue 17): a write that finds the disk full answers 503
// UNAVAILABLE with a Retry-After (it was 500 INTERNAL), reads go on, and once the operator frees
// space the writes resume by themselves, even under a stream of updates that used to grow the WAL
// back over the freed space (a WAL only started over after 16 MiB, and could not be copied into a
// database file with no room to grow); the database stays intact.
func TestFullDiskRecovers(t *testing.T) {
	t.Parallel()
	dir := smallDisk(t, 12<<20)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "purse.db"), purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ballast := fill(t, dir, 3<<20)

	val := strings.Repeat("x", 16<<10)
	set := func(key string) error {
		return db.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, key, val, time.Now()) })
	}
	var full error
	for i := 0; i < 10000 && full == nil; i++ {
		full = set(fmt.Sprint("row-", i))
	}
	e := purse.AsError(full)
	if e == nil || e.Code != purse.CodeUnavailable || e.RetryAfter <= 0 {
		t.Fatalf("a write on a full disk: %v (%s), want UNAVAILABLE with a Retry-After", full, purse.ErrorCode(full))
	}
	if err := db.Read(ctx, func(tx purse.Tx) error { _, err := tx.Setting(ctx, "row-0"); return err }); err != nil {
		t.Fatalf("a read on a full disk: %v", err)
	}

	// The operator frees 4 MiB. A stream of updates to the same ten rows follows: 24 MiB of WAL
	// frames, six times the room, which only fits if the WAL starts over as it goes. A refused
	// write is tried again as a client honouring Retry-After would, but sooner.
	fi, _ := os.Stat(ballast)
	if err := os.Truncate(ballast, max(0, fi.Size()-4<<20)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	refused := 0
	for i := 0; i < 1500; i++ {
		for {
			err := set(fmt.Sprint("hot-", i%10))
			if err == nil {
				break
			}
			if purse.ErrorCode(err) != purse.CodeUnavailable {
				t.Fatalf("update %d: %v", i, err)
			}
			if refused++; time.Now().After(deadline) {
				t.Fatalf("update %d still refused after 20 s (%d refusals): the store did not come back: %v", i, refused, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("%d refusals during 1500 updates after space was freed", refused)
	var check string
	if err := db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
}
