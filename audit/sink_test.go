package audit_test

import (
	"bufio"
	"crypto/ed25519"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// syslogServer is a syslog server on a loopback port: it hands each message it receives to the
// channel, over UDP (one datagram each) or TCP (one line each, as log/syslog frames them).
func syslogServer(t *testing.T, network string) (addr string, got <-chan string) {
	t.Helper()
	ch := make(chan string, 16)
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		go func() {
			buf := make([]byte, 64*1024)
			for {
				n, _, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				ch <- string(buf[:n])
			}
		}()
		return pc.LocalAddr().String(), ch
	default:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					sc := bufio.NewScanner(c)
					for sc.Scan() {
						ch <- sc.Text()
					}
				}()
			}
		}()
		return ln.Addr().String(), ch
	}
}

// TestSyslogSink writes checkpoints through the syslog sink to a real syslog listener on the
// loopback, over UDP and over TCP, and reads each back from what the server received: a line
// with the syslog priority (auth.notice) and tag, whose checkpoint verifies with the key and
// names the heads (about 1.6 kB for 16 chains, in one datagram).
func TestSyslogSink(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		record(t, db, 3)
		for _, network := range []string{"udp", "tcp"} {
			addr, got := syslogServer(t, network)
			scheme := map[string]string{"udp": "syslog://", "tcp": "syslog+tcp://"}[network]
			sink, err := audit.ParseSink(scheme + addr)
			if err != nil {
				t.Fatal(err)
			}
			pub, key, _ := ed25519.GenerateKey(nil)
			cp := &audit.Checkpointer{Store: db, Key: key, Sinks: []audit.Sink{sink}, Clock: clk}
			if _, err := cp.Checkpoint(ctx); err != nil {
				t.Fatalf("%s: %v", network, err)
			}
			var msg string
			select {
			case msg = <-got:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: the syslog server received nothing", network)
			}
			// <PRI> of auth (4) and notice (5): 4*8+5 = 37.
			if !strings.HasPrefix(msg, "<37>") || !strings.Contains(msg, "purse-audit") {
				t.Fatalf("%s: message %q", network, msg)
			}
			cps, bad, err := audit.ReadCheckpoints(strings.NewReader(msg))
			if err != nil || bad != 0 || len(cps) != 1 || !cps[0].Valid(pub) || cps[0].Anchors()[acctChain].Seq != 3 {
				t.Fatalf("%s: checkpoint from %q: %+v %d %v", network, msg, cps, bad, err)
			}
			r, err := audit.VerifyCheckpoints(ctx, db, pub, cps)
			if err != nil || !r.OK() || r.Checked != 1 {
				t.Fatalf("%s: verify %+v %v", network, r, err)
			}
			sink.(*audit.SyslogSink).Close()
		}
	})
}

// TestWebhookSink posts a checkpoint to a webhook and refuses a non-2xx answer.
func TestWebhookSink(t *testing.T) {
	t.Parallel()
	var body string
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	sink, err := audit.ParseSink(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(`{"type":"purse-audit-checkpoint"}`)
	if err := sink.Append(ctx, line); err != nil || body != string(line) {
		t.Fatalf("%v %q", err, body)
	}
	status = http.StatusInternalServerError
	if err := sink.Append(ctx, line); err == nil {
		t.Fatal("a 500 counted as written")
	}
}

func TestParseSink(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{"file:/var/log/c": "file:/var/log/c", "syslog:": "syslog:",
		"syslog://10.0.0.1:514": "syslog://10.0.0.1:514", "syslog+tcp://h:601": "syslog+tcp://h:601"} {
		s, err := audit.ParseSink(spec)
		if err != nil || s.String() != want {
			t.Errorf("%s: %v %v", spec, s, err)
		}
	}
	for _, bad := range []string{"", "file:", "ftp://x", "syslog://"} {
		if _, err := audit.ParseSink(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestFailingSinkDoesNotStopTheOthers: a syslog server that is down fails its sink; the file sink
// still gets the line, the error names the failing sink, and Observe reports each outcome.
func TestFailingSinkDoesNotStopTheOthers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := ln.Addr().String()
		ln.Close() // nothing listens there now
		path := filepath.Join(t.TempDir(), "checkpoints")
		dead, _ := audit.ParseSink("syslog+tcp://" + down)
		_, key, _ := ed25519.GenerateKey(nil)
		var seen map[string]error
		cp := &audit.Checkpointer{Store: db, Key: key, Clock: clk, Sinks: []audit.Sink{dead, &audit.FileSink{Path: path}},
			Observe: func(_ time.Time, errs map[string]error) { seen = errs }}
		if _, err := cp.Checkpoint(ctx); err == nil || !strings.Contains(err.Error(), down) {
			t.Fatalf("a dead sink went unreported: %v", err)
		}
		if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), audit.CheckpointType) {
			t.Fatalf("the file sink did not get the line: %q %v", b, err)
		}
		if seen["file:"+path] != nil || seen["syslog+tcp://"+down] == nil {
			t.Fatalf("observed %v", seen)
		}
	})
}
