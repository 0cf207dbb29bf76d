package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// walSync makes SQLite commits durable after the write connection is released, so that the next
// transaction runs while the previous one's fsync is under way: group commit at the file level.
//
// The write connection runs with synchronous=NORMAL, under which a commit appends its frames to the
// WAL file without an fsync. Every write transaction's caller then waits in wait, after COMMIT
// returned, until an fsync of the WAL file that began after that COMMIT has finished; only then is
// the transaction reported as committed. The guarantee is synchronous=FULL's: nothing is
// acknowledged before its frames are on disk. WAL frames are appended in commit order, so one fsync
// covers every commit before it; commits that finish while an fsync runs share the next one.
//
// SQLite itself still syncs the WAL before each checkpoint and its header when the WAL is reused,
// which is what keeps the database consistent across a power loss under NORMAL.
type walSync struct {
	path    string
	commits atomic.Uint64 // commits whose COMMIT has returned

	mu     sync.Mutex
	cond   *sync.Cond
	synced uint64 // every commit numbered up to here is on disk
	busy   bool   // an fsync is under way
}

func newWALSync(path string) *walSync {
	w := &walSync{path: path}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// wait returns once the commit that has just returned is on disk. Call it after COMMIT, never
// before: the number it takes must be issued after the commit's frames were written.
func (w *walSync) wait() error {
	seq := w.commits.Add(1)
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.synced < seq {
		if w.busy {
			w.cond.Wait()
			continue
		}
		w.busy = true
		target := w.commits.Load() // every commit up to here was written before this fsync starts
		w.mu.Unlock()
		err := syncFile(w.path)
		w.mu.Lock()
		w.busy = false
		w.cond.Broadcast()
		if err != nil {
			return fmt.Errorf("storage: sync %s: %w", w.path, err)
		}
		if target > w.synced {
			w.synced = target
		}
	}
	return nil
}

// syncFile fsyncs the file at path (a variable so that a test can count the fsyncs). The WAL is opened afresh each time so that the fsync reaches
// the file SQLite writes now, whatever it did to the old one. A missing WAL holds nothing to sync:
// SQLite removes it only after checkpointing it into the database file and syncing that.
var syncFile = func(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	serr := f.Sync()
	return errors.Join(serr, f.Close())
}
