package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PGBenchScale is the least TPC-B scale pgbench's tables are made at: 10 branches, so that 16
// clients do not all queue on one branch row (at scale 1 pgbench measures that row's lock, not the
// server), and a million account rows, made in seconds. With more clients the scale is the number
// of clients (pgbenchScale): at scale 10, 64 clients queue on 10 branch rows and pgbench's rate
// collapses (36 tps against 967 at a fair scale, docs/BENCHMARKS.md), which compares purse with
// a lock queue rather than with PostgreSQL.
const PGBenchScale = 10

// pgbenchScale is the scale for clients clients, unless asked (asked > 0): at least one branch
// row per client, as pgbench's documentation advises, and never under PGBenchScale.
func pgbenchScale(clients, asked int) int {
	if asked > 0 {
		return asked
	}
	return max(PGBenchScale, clients)
}

// findPGBench returns pgbench's path: on the PATH, or in a PostgreSQL installation's bin directory
// (Debian's postgresql-contrib puts it in /usr/lib/postgresql/<version>/bin only).
func findPGBench() string {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	sort.Strings(found)
	if len(found) > 0 {
		return found[len(found)-1]
	}
	return ""
}

// pgbenchPhase returns a phase that runs pgbench's built-in TPC-B script against the PostgreSQL
// server base names, in a schema of its own (dropped at the server's Close), with clients
// connections for a slice of dur: the raw-SQL reference the issue compares purse with, on the same
// server and in the same rounds. The phase's CPU is pgbench's own (the client; purse's figures
// count purse's load generator too) and its DBCPU the server's. nil, without error, when pgbench is
// not installed. load is how long pgbench took to make its tables at that scale (pgbench -i).
func (s *Server) pgbenchPhase(ctx context.Context, base string, clients, scale int, dur time.Duration) (ph phase, load time.Duration, err error) {
	bin := findPGBench()
	if bin == "" {
		fmt.Fprintln(os.Stderr, "bench: pgbench not found (apt-get install postgresql-contrib): its comparison is left out")
		return nil, 0, nil
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, 0, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "pgbench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, 0, fmt.Errorf("bench: pgbench schema: %w", err)
	}
	s.cleanup = append(s.cleanup, func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	dir, err := os.MkdirTemp("", "purse-pgbench-")
	if err != nil {
		return nil, 0, err
	}
	s.cleanup = append(s.cleanup, func() { os.RemoveAll(dir) })
	// libpq takes no search_path in a URL: the schema goes through PGOPTIONS.
	env := append(os.Environ(), "PGOPTIONS=-c search_path="+schema)
	conn := libpqURL(base)
	init := exec.CommandContext(ctx, bin, "-i", "-q", "-s", strconv.Itoa(scale), conn)
	init.Env = env
	began := time.Now()
	if out, err := init.CombinedOutput(); err != nil {
		return nil, 0, fmt.Errorf("bench: pgbench -i: %w: %.400s", err, out)
	}
	load = time.Since(began)
	secs := max(1, int(dur.Round(time.Second)/time.Second))
	n := 0
	return func(ctx context.Context) span {
		n++
		prefix := filepath.Join(dir, fmt.Sprintf("r%d", n))
		cmd := exec.CommandContext(ctx, bin, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", "2",
			"-T", strconv.Itoa(secs), "-l", "--log-prefix="+prefix, conn)
		cmd.Env, cmd.Dir = env, dir
		db0 := s.dbCPU.read()
		out, err := cmd.CombinedOutput()
		db1 := s.dbCPU.read()
		sp := span{Window: time.Duration(secs) * time.Second, DBCPU: db1 - db0}
		if err != nil {
			sp.Errors, sp.FirstErr = 1, fmt.Sprintf("pgbench: %v: %.300s", err, out)
			return sp
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			sp.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		sp.Lat, sp.Errors = pgbenchLog(prefix)
		sp.Done = int64(len(sp.Lat))
		// pgbench's own rate leaves out the time its connections took to open (a second or more
		// for 64 new backends on a busy server), which purse's phases never pay inside their
		// windows: the window is what that rate implies. The server's CPU still counts it.
		if m := pgbenchTPS.FindSubmatch(out); m != nil {
			if tps, err := strconv.ParseFloat(string(m[1]), 64); err == nil && tps > 0 {
				sp.Window = time.Duration(float64(sp.Done) / tps * float64(time.Second))
			}
		}
		return sp
	}, load, nil
}

var pgbenchTPS = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// libpqURL drops the query parameters libpq does not know (pgx's), keeping sslmode.
func libpqURL(base string) string {
	u, q, ok := strings.Cut(base, "?")
	if !ok {
		return base
	}
	var keep []string
	for _, kv := range strings.Split(q, "&") {
		if strings.HasPrefix(kv, "sslmode=") {
			keep = append(keep, kv)
		}
	}
	if len(keep) == 0 {
		return u
	}
	return u + "?" + strings.Join(keep, "&")
}

// pgbenchLog reads the per-transaction logs pgbench -l wrote under prefix (one file per thread):
// "client transaction latency_us script epoch us" per line, a failed one's latency being "failed".
func pgbenchLog(prefix string) (lat []time.Duration, failed int64) {
	files, _ := filepath.Glob(prefix + ".*")
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fs[2], 10, 64)
			if err != nil {
				failed++
				continue
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
		fh.Close()
	}
	return lat, failed
}
