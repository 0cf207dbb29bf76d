package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Private is a PostgreSQL cluster of one test's own, which the test may kill, restart and freeze:
// the outages a store must come through. It is never the shared test server (PURSE_TEST_POSTGRES),
// whose other users would suffer the same outage.
type Private struct {
	URL  string // postgres://postgres@127.0.0.1:port/postgres
	bin  string
	dir  string // data directory
	port int
	cred *syscall.Credential // the postgres user, when the test runs as root
	cmd  *exec.Cmd
	t    testing.TB
}

// PrivatePostgres makes and starts a cluster in a temporary directory (initdb, trust auth, no
// fsync: its data is thrown away), removed when t ends. It needs PostgreSQL's server binaries
// (PURSE_TEST_PG_BIN, else /usr/lib/postgresql/*/bin) and, run as root, a "postgres" user to own
// the cluster. Without them the test skips, or fails under PURSE_REQUIRE_POSTGRES=1.
func PrivatePostgres(t testing.TB) *Private {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("PURSE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("storetest: private PostgreSQL: "+format, args...)
		}
		t.Skipf("storetest: no private PostgreSQL: "+format, args...)
	}
	bin := os.Getenv("PURSE_TEST_PG_BIN")
	if bin == "" {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if len(found) == 0 {
			missing("no initdb under /usr/lib/postgresql (set PURSE_TEST_PG_BIN)")
		}
		bin = filepath.Dir(found[len(found)-1])
	}
	p := &Private{bin: bin, t: t}
	root, err := os.MkdirTemp("", "purse-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			missing("running as root and no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(root, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	p.dir = filepath.Join(root, "data")
	initdb := p.command("initdb", "-D", p.dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("storetest: initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	t.Cleanup(p.stop)
	p.Start()
	return p
}

func (p *Private) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	// Its own process group: a signal to the test's group (^C) is not the server's to take.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}
	return cmd
}

// Start starts the server (again, after Kill: it recovers from its WAL) and waits until it accepts
// connections.
func (p *Private) Start() {
	p.t.Helper()
	p.cmd = p.command("postgres", "-D", p.dir, "-p", strconv.Itoa(p.port), "-k", filepath.Dir(p.dir),
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=100",
		"-c", "shared_buffers=16MB", "-c", "autovacuum=off")
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("storetest: start private PostgreSQL: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := sql.Open("pgx", p.URL)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
		}
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("storetest: private PostgreSQL did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signal sends sig to the server's every process: the postmaster first, so that it starts no
// new one meanwhile, then its children. Each child is a session leader of its own (PostgreSQL
// calls setsid in every child), so a process group does not reach them.
func (p *Private) signal(sig syscall.Signal) {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	pid := p.cmd.Process.Pid
	_ = syscall.Kill(pid, sig)
	for _, child := range children(pid) {
		_ = syscall.Kill(child, sig)
	}
}

// children lists the processes whose parent is pid, from /proc.
func children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ")".
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == pid {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out = append(out, child)
		}
	}
	return out
}

// Kill kills the server and its every backend at once (SIGKILL), as a crash or the OOM killer
// would, and waits until they are gone.
func (p *Private) Kill() {
	if p.cmd == nil {
		return
	}
	kids := children(p.cmd.Process.Pid)
	p.signal(syscall.SIGKILL)
	for _, k := range kids {
		_ = syscall.Kill(k, syscall.SIGCONT)
	}
	_ = p.cmd.Wait()
	// The backends are the postmaster's children and so reparented to init, which reaps them;
	// a restart needs them gone (they hold the shared memory).
	for _, k := range kids {
		for i := 0; i < 500 && syscall.Kill(k, 0) == nil && !zombie(k); i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	p.cmd = nil
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}

// Freeze stops every process of the server (SIGSTOP): connections stay open and connecting
// still succeeds at the TCP level, but nothing answers, as with a hung host or a paused VM.
func (p *Private) Freeze() { p.signal(syscall.SIGSTOP) }

// Thaw lets a frozen server run again (SIGCONT).
func (p *Private) Thaw() { p.signal(syscall.SIGCONT) }

func (p *Private) stop() {
	p.Kill()
}
