package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuMeter reports a CPU time that only grows; a measurement window takes its difference.
type cpuMeter func() time.Duration

// read is the meter's reading; a nil meter (nothing to measure) always reads zero.
func (m cpuMeter) read() time.Duration {
	if m == nil {
		return 0
	}
	return m()
}

// postgresCPU returns a meter of the CPU time the PostgreSQL server behind db has used, when that
// server runs on this machine (as the bench's own does). A closure flow's cost is not only this
// process's: on PostgreSQL its statements run in the server's backends, on the same two cores
// that hash, and the flows' fraction of the argon2id bound can only be read with that cost beside
// it. ok is false when the server is elsewhere or /proc cannot be read; the figure is then left out.
//
// The server is found through a backend of db: its parent is the postmaster. The meter sums the
// postmaster's own time, the time of its live children (backends, WAL writer, checkpointer,
// autovacuum) and the time of the children it has already reaped (cutime, cstime), since a
// backend whose connection closed inside the window takes its time with it.
func postgresCPU(ctx context.Context, db *sql.DB) (cpuMeter, bool) {
	var backend int
	if err := db.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return nil, false
	}
	st, err := readStat(backend)
	if err != nil || st.comm != "postgres" {
		return nil, false // another machine's backend, or a process namespace we cannot see into
	}
	post, err := readStat(st.ppid)
	if err != nil || post.comm != "postgres" {
		return nil, false
	}
	pm := st.ppid
	return func() time.Duration {
		p, err := readStat(pm)
		if err != nil {
			return 0
		}
		ticks := p.utime + p.stime + p.cutime + p.cstime
		for _, c := range childrenOf(pm) {
			if s, err := readStat(c); err == nil {
				ticks += s.utime + s.stime
			}
		}
		return time.Duration(ticks) * time.Second / userHZ
	}, true
}

// userHZ is the unit of /proc's times: USER_HZ, 100 on every Linux architecture Go runs on.
const userHZ = 100

type procStat struct {
	comm                         string
	ppid                         int
	utime, stime, cutime, cstime int64
}

// readStat reads /proc/pid/stat.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(string(b))
}

// parseStat parses a /proc/pid/stat line. The command name is in parentheses and may hold spaces
// and parentheses, so the fields are counted from the last closing parenthesis.
func parseStat(s string) (procStat, error) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("bench: malformed /proc stat line %.40q", s)
	}
	f := strings.Fields(s[end+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("bench: short /proc stat line %.40q", s)
	}
	n := func(i int) int64 { v, _ := strconv.ParseInt(f[i-3], 10, 64); return v }
	return procStat{comm: s[open+1 : end], ppid: int(n(4)), utime: n(14), stime: n(15), cutime: n(16), cstime: n(17)}, nil
}

// childrenOf lists the live children of pid.
func childrenOf(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if s, err := readStat(c); err == nil && s.ppid == pid {
			out = append(out, c)
		}
	}
	return out
}
