// Package crashtest proves DESIGN.md §4.5: purse runs as a real process, takes a mixed load, and is
// killed with SIGKILL at random moments and restarted; after every restart nothing acknowledged is
// lost and every idempotent retry returns the first answer.
package crashtest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var build struct {
	once sync.Once
	path string
	err  error
}

// binary builds cmd/purse once per test run.
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..")
		dir, err := os.MkdirTemp("", "purse-crash-bin")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(dir, "purse")
		cmd := exec.Command("go", "build", "-o", build.path, "./cmd/purse")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// server is one purse process that can be killed and restarted on the same store.
type server struct {
	t    *testing.T
	bin  string
	db   string
	addr string
	env  []string
	args []string // flags after serve's own, e.g. the message providers
	cmd  *exec.Cmd
	logs *os.File
}

func newServer(t *testing.T, db string, env ...string) *server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logs, err := os.Create(filepath.Join(t.TempDir(), "purse.log"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, bin: binary(t), db: db, addr: addr, env: env, logs: logs}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			s.showLog()
		}
		logs.Close()
	})
	return s
}

// showLog prints the end of the process's log (its errors and panics) into the test's output,
// since the file goes with the test's temporary directory.
func (s *server) showLog() {
	b, err := os.ReadFile(s.logs.Name())
	if err != nil {
		return
	}
	if dir := os.Getenv("PURSE_CRASH_KEEP_LOGS"); dir != "" {
		// The whole log, access lines and durations included, for a failure worth reading closely.
		keep := filepath.Join(dir, "purse-"+strings.ReplaceAll(s.addr, ":", "-")+".log")
		if os.WriteFile(keep, b, 0o644) == nil {
			s.t.Logf("the log of purse on %s is kept in %s", s.addr, keep)
		}
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var errs []string
	for _, l := range lines {
		// The access lines of 5xx answers too: their durations tell a request that waited (5 s
		// for a cancelled context, say) from one that failed at once.
		if strings.Contains(l, `"level":"ERROR"`) || strings.Contains(l, "panic") || strings.Contains(l, `"status":5`) {
			errs = append(errs, l)
		}
	}
	if len(errs) > 20 {
		// The first errors tell how a failure began; the last, how it ended.
		errs = append(errs[:10:10], errs[len(errs)-10:]...)
	}
	s.t.Logf("errors logged by purse on %s (%d):\n%s", s.addr, len(errs), strings.Join(errs, "\n"))
}

func (s *server) url() string { return "http://" + s.addr }

// start runs the process and waits until it is ready.
func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, append([]string{"serve", "--db", s.db, "--addr", s.addr, "--log-format", "json"}, s.args...)...)
	s.cmd.Env = append(os.Environ(), s.env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.url() + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("purse did not become ready; its log is %s", s.logs.Name())
}

// kill sends SIGKILL: no shutdown hook, no flush, as in a power cut of the process.
func (s *server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = s.cmd.Process.Wait()
	s.cmd = nil
}
