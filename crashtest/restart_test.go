package crashtest

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestRestartOnLargeSQLite measures how long purse takes, after a SIGKILL under writes, to answer
// 200 on /readyz again on a SQLite database of PURSE_RESTART_BENCH_MB megabytes (1024 in
// docs/BENCHMARKS.md). A measurement, not an assertion on speed: it runs only when that variable
// is set, and logs each restart's time. PURSE_RESTART_BENCH_DIR keeps the database between runs
// (it takes a minute or two to fill); PURSE_RESTART_BENCH_COLD=1 empties the page cache before
// each start (root only); PURSE_RESTART_BENCH_LOG=1 logs when the listener came up.
func TestRestartOnLargeSQLite(t *testing.T) {
	mb := 0
	if _, err := fmt.Sscan(os.Getenv("PURSE_RESTART_BENCH_MB"), &mb); err != nil || mb <= 0 {
		t.Skip("set PURSE_RESTART_BENCH_MB (e.g. 1024) to measure restarts on a large SQLite database")
	}
	dir := os.Getenv("PURSE_RESTART_BENCH_DIR") // a disk, not a tmpfs, for figures worth keeping
	if dir == "" {
		dir = t.TempDir()
	}
	db := filepath.Join(dir, "purse-restart.db")
	s := newServer(t, db, masterKey)
	if _, err := os.Stat(db); err != nil {
		s.start() // migrate
		s.kill()
		fillSQLite(t, db, int64(mb)<<20)
	}
	fi, _ := os.Stat(db)
	t.Logf("database: %d MiB", fi.Size()>>20)

	var took []time.Duration
	for round := range 5 {
		if os.Getenv("PURSE_RESTART_BENCH_COLD") != "" {
			// The restart of a machine, not only of the process: nothing of the file in memory.
			if err := exec.Command("sh", "-c", "sync && echo 3 > /proc/sys/vm/drop_caches").Run(); err != nil {
				t.Fatalf("dropping the page cache needs root: %v", err)
			}
		}
		began := time.Now()
		s.start()
		took = append(took, time.Since(began))
		if os.Getenv("PURSE_RESTART_BENCH_LOG") != "" {
			b, _ := os.ReadFile(s.logs.Name())
			lines := strings.Split(string(b), "\n")
			for i := len(lines) - 1; i >= 0; i-- {
				if strings.Contains(lines[i], `"purse serving"`) {
					t.Logf("began %s; %s", began.UTC().Format("15:04:05.000"), lines[i][:60])
					break
				}
			}
		}
		// Writes in flight when the kill comes, so that the WAL has something to recover.
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"phone":"139%02d%06d","password":"correct horse battery","payment_password":"135790"}`, round, i)
				if res, err := http.Post(s.url()+"/api/v1/accounts", "application/json", strings.NewReader(body)); err == nil {
					res.Body.Close()
				}
			}
		}()
		time.Sleep(2 * time.Second)
		s.kill()
		close(stop)
		<-done
		wal, _ := os.Stat(db + "-wal")
		if wal != nil {
			t.Logf("round %d: ready after %v; WAL at the kill: %d MiB", round, took[round], wal.Size()>>20)
		}
	}
	slices.Sort(took)
	t.Logf("restart to ready: median %v, max %v (%d restarts)", took[len(took)/2], took[len(took)-1], len(took))
}

// fillSQLite grows the database to about size bytes with rows of the tables a busy purse fills
// most: settled outbox messages (sealed, as purse writes them) and stored idempotent answers.
func fillSQLite(t *testing.T, path string, size int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UnixMicro()
	const rows = 20000 // per statement: about 40 MB
	for n := 0; ; n++ {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() >= size {
			break
		}
		q := `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
			INSERT INTO outbox (id, account_id, channel, recipient, template, language, subject, body, data, status,
				attempts, next_attempt_at, locked_until, last_error, created_at, sent_at, sender, recipient_hash,
				recipient_sealed, content_sealed)
			SELECT lower(hex(randomblob(16))), lower(hex(randomblob(16))), 'sms', '', 'closure_otp', 'zh-CN', '', '', '{}',
				'sent', 1, ?, 0, '', ?, ?, 'sms-webhook', lower(hex(randomblob(32))), randomblob(60), randomblob(700) FROM g`
		if n%2 == 1 {
			q = `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
				INSERT INTO idempotent_responses (scope, key, request_hash, status, header, body, created_at)
				SELECT 'account:' || lower(hex(randomblob(16))), lower(hex(randomblob(16))), lower(hex(randomblob(32))),
					200, '{}', randomblob(1200), ? + 0 * ? FROM g`
		}
		if _, err := db.Exec(q, rows, now, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
	}
}
