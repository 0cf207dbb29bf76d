package sqlite

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"time"
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
type checkpointer struct {
	db   *sql.DB
	wal  string
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once

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

func startCheckpointer(db *sql.DB, wal string) *checkpointer {
	c := &checkpointer{db: db, wal: wal, stop: make(chan struct{}), softLimit: softLimit, restartAfter: restartFrames}
	c.run = c.checkpoint
	c.done.Add(1)
	go c.loop()
	return c
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
		}
		c.pass()
	}
}

// pass is one tick's work. A failed checkpoint is retried at the next tick; the data is safe in
// the WAL meanwhile.
func (c *checkpointer) pass() {
	// The file keeps its size when the WAL starts over (up to walSizeLimit), so this only skips
	// the ticks of a quiet store; the frame count decides the rest.
	fi, err := os.Stat(c.wal)
	if err != nil || fi.Size() < c.softLimit {
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
