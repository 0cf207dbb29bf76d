// Package crashtest proves DESIGN.md §4.5: purse runs as a real process, takes a mixed load, and is
// killed with SIGKILL at random moments and restarted; after every restart nothing acknowledged is
// lost and every idempotent retry returns the first answer.
//
// Each test has its own processes, ports, store (a SQLite file in its folder, or a PostgreSQL
// database of its own) and providers, so tests can run side by side. Those whose proof holds at
// any speed (kills, replays, deliveries, with generous deadlines only for what must happen in the
// end) call t.Parallel(), and Go runs them two at a time after the others: the one waiting on a
// slow provider or a resend cool-down lends its core to the one that computes. The tests that
// bound a time (the outages, slow headers, the live switch reaching the other instance) run alone.
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

	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/bank/banktest"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/notify/notifytest"
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

var (
	banks    sync.Map // *testing.T → *banktest.Bank: one bank per test, shared by its servers
	certKeys sync.Map // *testing.T → the certificate key file of the test's servers
)

// bankOf returns the test's bank simulator, started on first use.
func bankOf(t *testing.T) *banktest.Bank {
	if b, ok := banks.Load(t); ok {
		return b.(*banktest.Bank)
	}
	b := banktest.New(t, time.Now)
	t.Cleanup(func() { banks.Delete(t) })
	banks.Store(t, b)
	return b
}

// certKeyOf returns the test's certificate key file, made on first use.
func certKeyOf(t *testing.T) string {
	if k, ok := certKeys.Load(t); ok {
		return k.(string)
	}
	path := filepath.Join(t.TempDir(), "cert.key")
	if _, err := certificate.LoadOrCreate(path, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { certKeys.Delete(t) })
	certKeys.Store(t, path)
	return path
}

// checkpointArgs are the audit checkpoint flags production asks for (issue 16): a key and a file
// sink in the test's folder, shared by the test's servers.
func checkpointArgs(t *testing.T) []string {
	dir := filepath.Dir(certKeyOf(t))
	key := filepath.Join(dir, "checkpoint.key")
	if _, err := audit.LoadCheckpointKey(key, true); err != nil {
		t.Fatal(err)
	}
	return []string{"--audit-checkpoint-key", key, "--audit-checkpoint-sink", "file:" + filepath.Join(dir, "checkpoints")}
}

// server is one purse process that can be killed and restarted on the same store.
type server struct {
	t    *testing.T
	bin  string
	db   string
	addr string
	env  []string
	args []string // flags after serve's own, e.g. the message providers
	prod []string // the production settings every server gets
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
	// Production settings, not --demo (issue 13): the bank simulator the test's servers share, a
	// certificate key, and --dev-outbox for the channels a test leaves without a provider.
	sim := bankOf(t)
	env = append(env, "PURSE_BANK_KEY="+string(banktest.Key), "PURSE_SMTP_PASSWORD="+notifytest.Password)
	s := &server{t: t, bin: binary(t), db: db, addr: addr, env: env, logs: logs,
		prod: append([]string{"--bank", "http", "--bank-url", sim.URL, "--certificate-key", certKeyOf(t), "--dev-outbox",
			"--base-url", "http://" + addr}, checkpointArgs(t)...)}
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
	args := append([]string{"serve", "--db", s.db, "--addr", s.addr, "--log-format", "json"}, s.prod...)
	s.cmd = exec.Command(s.bin, append(args, s.args...)...)
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
