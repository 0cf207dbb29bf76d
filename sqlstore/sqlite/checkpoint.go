package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
)

// checkpointer copies the WAL back into the database file from its own connection, so that the
// writer never does it: SQLite's automatic checkpoint runs inside the COMMIT that crosses its
// threshold, holding the one write connection through a thousand page writes and two fsyncs while
// every other writer waits. The write connection runs with wal_autocheckpoint=0 instead.
//
// A PASSIVE checkpoint runs beside the writer and the readers, but under a steady stream of commits
// it never catches the WAL's end: the WAL only starts again from its beginning when a writer finds
// it wholly copied, so it grew without bound (to 282 MiB in 10 s at 10,000 transfers/s). So when
// the WAL holds more than restartAfter, a RESTART follows the PASSIVE one at once: it blocks the
// writer, but only while it copies what was committed during the PASSIVE copy, a few milliseconds,
// and then lets the next writer start the WAL over.
//
// The connection's short busy timeout bounds that block. A RESTART waits for readers still on the
// old WAL while holding the writer out; with SQLite's usual 10 s timeout a long read (an export)
// once made it stall every write for as long. Here it gives up after checkpointBusy and is tried
// again at the next tick, and journal_size_limit gives the file back to the disk after a restart.
//
// When the disk is short of space (less free than walSizeLimit, a WAL at its limit), every tick
// with a WAL runs a TRUNCATE checkpoint on the write connection instead: the WAL is copied into
// the database and cut to nothing, so that it takes no more of the disk than the writes since the
// last tick. Without it a full disk did not come back: the WAL could only start over once a
// RESTART found 16 MiB in it, so after the operator freed 27 MB it grew over the freed space again
// within 16 s, the checkpoint then had no room to copy it into the database file, and every write
// failed for minutes with no traffic at all (issue 17). A write that fails because the disk is
// full (SQLITE_FULL) wakes the checkpointer at once (nudge).
//
// A checkpoint needs room too: it copies into the database file the pages the WAL added, and the
// file grows by up to the WAL's size. So while the disk is short, a write transaction begins only
// if the disk could still take the WAL's copy and a megabyte more (room); otherwise it is refused
// (503 UNAVAILABLE, disk full) and the checkpointer truncates the WAL first. Before, the writes
// that followed a freeing took the freed space for the WAL, leaving none for the checkpoint that
// would have given it back.
type checkpointer struct {
	db   *sql.DB
	wal  string
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
	wake chan struct{}

	// write is the write pool: a TRUNCATE checkpoint runs on its one connection, queued with the
	// writers instead of racing them for the lock (nil: never).
	write *sql.DB
	// free reports the bytes free on the database's file system (nil: never short).
	free func() (int64, error)
	// tight is set while the last tick found the disk short: only then does room look.
	tight atomic.Bool

	softLimit    int64 // bytes of WAL file worth a look
	restartAfter int64 // frames after which a RESTART follows the PASSIVE checkpoint
	// run runs one checkpoint in the mode and returns the frames the WAL held (a test replaces it).
	run func(mode string) (int64, error)
}

const (
	checkpointEvery = 100 * time.Millisecond
	softLimit       = 4 << 20 // bytes of WAL worth a passive checkpoint (SQLite's default: 1000 pages)
	// restartFrames is 16 MiB of 4 KiB pages.
	restartFrames  = 4096
	checkpointBusy = 5 * time.Millisecond
	walSizeLimit   = 64 << 20 // journal_size_limit: the WAL file is cut back to this after a restart
)

// truncateWait bounds a TRUNCATE checkpoint's wait for the write connection and for readers on an
// older snapshot; it is tried again at the next tick.
const truncateWait = 2 * time.Second

func newCheckpointer(db, write *sql.DB, wal string) *checkpointer {
	c := &checkpointer{db: db, write: write, wal: wal, stop: make(chan struct{}), wake: make(chan struct{}, 1),
		softLimit: softLimit, restartAfter: restartFrames, free: freeSpace(filepath.Dir(wal))}
	c.run = c.checkpoint
	c.tight.Store(c.short())
	return c
}

// writeHeadroom is the room a write transaction may take beyond the WAL's copy.
const writeHeadroom = 1 << 20

// errNoRoom refuses a write while the disk is too full for the WAL to be copied back.
var errNoRoom = &purse.Error{Code: purse.CodeUnavailable, RetryAfter: 10 * time.Second,
	Detail: "the database's disk is full"}

// room refuses a write transaction (errNoRoom) when the disk could not take the WAL's copy into
// the database and the write itself, and wakes the checkpointer to make room.
func (c *checkpointer) room() error {
	if !c.tight.Load() {
		return nil
	}
	free, err := c.free()
	if err != nil {
		return nil
	}
	var wal int64
	if fi, err := os.Stat(c.wal); err == nil {
		wal = fi.Size()
	}
	if free >= wal+writeHeadroom {
		return nil
	}
	c.nudge()
	return errNoRoom
}

func (c *checkpointer) start() *checkpointer {
	c.done.Add(1)
	go c.loop()
	return c
}

// nudge asks for a pass at once (a write found the disk full).
func (c *checkpointer) nudge() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer c.done.Done()
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		case <-c.wake:
		}
		c.pass()
	}
}

// pass is one tick's work. A failed checkpoint is retried at the next tick; the data is safe in
// the WAL meanwhile.
func (c *checkpointer) pass() {
	// The file keeps its size when the WAL starts over (up to walSizeLimit), so this only skips
	// the ticks of a quiet store; the frame count decides the rest.
	short := c.short()
	c.tight.Store(short)
	fi, err := os.Stat(c.wal)
	if err != nil || fi.Size() == 0 {
		return
	}
	if short {
		_ = c.truncate()
		return
	}
	if fi.Size() < c.softLimit {
		return
	}
	frames, err := c.run("PASSIVE")
	if err == nil && frames >= c.restartAfter {
		_, _ = c.run("RESTART")
	}
}

// checkpoint runs one checkpoint and returns the frames the WAL held.
func (c *checkpointer) checkpoint(mode string) (int64, error) {
	var busy, frames, copied int64
	err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied)
	return frames, err
}

// short reports that the disk has less room than a WAL at its size limit would take.
func (c *checkpointer) short() bool {
	if c.free == nil || c.write == nil {
		return false
	}
	n, err := c.free()
	return err == nil && n < walSizeLimit
}

// truncate copies the whole WAL into the database and cuts the file to nothing, from the write
// connection. A reader still on an older snapshot leaves it partial (busy): the next tick tries
// again.
func (c *checkpointer) truncate() error {
	ctx, cancel := context.WithTimeout(context.Background(), truncateWait)
	defer cancel()
	var busy, frames, copied int64
	return c.write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied)
}

// Close stops the loop and closes its connection. A store may be closed twice; so may this.
func (c *checkpointer) Close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		c.done.Wait()
		err = c.db.Close()
	})
	return err
}
