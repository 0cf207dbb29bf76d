package audit

import (
	"bytes"
	"context"
	"fmt"
	"log/syslog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Sink is an external, append-only place a checkpoint line goes to: somewhere an intruder in the
// database cannot rewrite (docs/deployment.md, "Audit checkpoints").
type Sink interface {
	Append(ctx context.Context, line []byte) error
	String() string
}

// ParseSink reads a sink as the --audit-checkpoint-sink flag names it:
//
//	file:/var/log/purse/checkpoints   a file, appended to and synced (make it append-only: chattr +a)
//	syslog:                            the local syslog daemon
//	syslog://host:514                  a syslog server over UDP
//	syslog+tcp://host:601              a syslog server over TCP
//	https://audit.example.com/hook     a webhook: each line POSTed as JSON, 2xx expected
func ParseSink(spec string) (Sink, error) {
	switch {
	case strings.HasPrefix(spec, "file:"):
		path := strings.TrimPrefix(spec, "file:")
		if path == "" {
			return nil, fmt.Errorf("sink %q: file: needs a path", spec)
		}
		return &FileSink{Path: path}, nil
	case spec == "syslog:":
		return &SyslogSink{}, nil
	case strings.HasPrefix(spec, "syslog://"), strings.HasPrefix(spec, "syslog+udp://"), strings.HasPrefix(spec, "syslog+tcp://"):
		u, err := url.Parse(spec)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("sink %q: want syslog://host:port", spec)
		}
		network := "udp"
		if u.Scheme == "syslog+tcp" {
			network = "tcp"
		}
		return &SyslogSink{Network: network, Addr: u.Host}, nil
	case strings.HasPrefix(spec, "https://"), strings.HasPrefix(spec, "http://"):
		return &WebhookSink{URL: spec}, nil
	}
	return nil, fmt.Errorf("sink %q: want file:PATH, syslog:, syslog://host:port, syslog+tcp://host:port or https://…", spec)
}

// FileSink appends each line to a file and syncs it before the checkpoint counts as written.
type FileSink struct{ Path string }

func (s *FileSink) String() string { return "file:" + s.Path }

// Append writes the line and a newline at the end of the file.
func (s *FileSink) Append(_ context.Context, line []byte) error {
	f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("checkpoint sink %s: %w", s, err)
	}
	_, err = f.Write(append(append([]byte{}, line...), '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("checkpoint sink %s: %w", s, err)
	}
	return nil
}

// SyslogSink sends each line to syslog (facility auth, severity notice, tag purse-audit): the local
// daemon when Network is "", else a server over UDP or TCP. The connection is made at the first
// line and made again after a failure.
type SyslogSink struct {
	Network, Addr string

	mu sync.Mutex
	w  *syslog.Writer
}

func (s *SyslogSink) String() string {
	if s.Network == "" {
		return "syslog:"
	}
	if s.Network == "tcp" {
		return "syslog+tcp://" + s.Addr
	}
	return "syslog://" + s.Addr
}

// Append sends the line as one syslog message.
func (s *SyslogSink) Append(_ context.Context, line []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		w, err := syslog.Dial(s.Network, s.Addr, syslog.LOG_NOTICE|syslog.LOG_AUTH, "purse-audit")
		if err != nil {
			return fmt.Errorf("checkpoint sink %s: %w", s, err)
		}
		s.w = w
	}
	if err := s.w.Notice(string(line)); err != nil {
		s.w.Close()
		s.w = nil
		return fmt.Errorf("checkpoint sink %s: %w", s, err)
	}
	return nil
}

// Close ends the connection.
func (s *SyslogSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return nil
	}
	err := s.w.Close()
	s.w = nil
	return err
}

// WebhookSink POSTs each line as application/json and wants a 2xx answer.
type WebhookSink struct {
	URL    string
	Client *http.Client // nil: a client with a 10-second timeout
}

func (s *WebhookSink) String() string { return s.URL }

// Append posts the line.
func (s *WebhookSink) Append(ctx context.Context, line []byte) error {
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(line))
	if err != nil {
		return fmt.Errorf("checkpoint sink %s: %w", s, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("checkpoint sink %s: %w", s, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("checkpoint sink %s: HTTP %d", s, resp.StatusCode)
	}
	return nil
}
