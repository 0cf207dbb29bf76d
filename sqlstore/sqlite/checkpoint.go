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
// A PASSIVE checkpoint runs beside readers and writers. Should the WAL still grow past hardLimit
// (the passive ones never caught up with the writer), a RESTART checkpoint waits for the writer and
// the readers and lets the next transaction write the WAL from its start again.
type checkpointer struct {
	db   *sql.DB
	wal  string
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

const (
	checkpointEvery = 100 * time.Millisecond
	softLimit       = 4 << 20  // bytes of WAL worth a passive checkpoint (SQLite's default: 1000 pages)
	hardLimit       = 64 << 20 // bytes of WAL after which the checkpoint may make the writer wait
)

func startCheckpointer(db *sql.DB, wal string) *checkpointer {
	c := &checkpointer{db: db, wal: wal, stop: make(chan struct{})}
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
		fi, err := os.Stat(c.wal)
		if err != nil || fi.Size() < softLimit {
			continue
		}
		mode := "PASSIVE"
		if fi.Size() >= hardLimit {
			mode = "RESTART"
		}
		// A failed checkpoint is retried at the next tick; the data is safe in the WAL meanwhile.
		_, _ = c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")")
	}
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
