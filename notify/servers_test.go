package notify_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/purse-wallet/purse/notify"
)

// mailServer is a real SMTP server on 127.0.0.1 that keeps what it receives.
type mailServer struct {
	Addr string

	mu       sync.Mutex
	received []received
	failData int // answer 451 to this many DATA commands before accepting
	rejectTo bool
	authed   []string
}

type received struct {
	From string
	To   []string
	Data []byte
}

func newMailServer(t *testing.T) *mailServer {
	t.Helper()
	ms := &mailServer{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailSession{srv: ms}, nil
	}))
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.Addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ms
}

func (ms *mailServer) messages() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.received...)
}

type mailSession struct {
	srv  *mailServer
	from string
	to   []string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "purse" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		s.srv.mu.Lock()
		s.srv.authed = append(s.srv.authed, user)
		s.srv.mu.Unlock()
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.rejectTo {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.failData > 0 {
		s.srv.failData--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.srv.received = append(s.srv.received, received{From: s.from, To: s.to, Data: b})
	return nil
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }

// hookServer is a webhook receiver that checks every request's signature and counts deliveries by
// idempotency key. fail answers 503 to that many requests first.
type hookServer struct {
	*httptest.Server
	secret []byte

	mu       sync.Mutex
	byKey    map[string]int
	bodies   []map[string]any
	requests int
	badSig   int
	fail     int
}

func newHookServer(t *testing.T, secret []byte) *hookServer {
	t.Helper()
	h := &hookServer{secret: secret, byKey: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests++
		if !notify.Verify(h.secret, body, r.Header.Get(notify.SignatureHeader)) {
			h.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if h.fail > 0 {
			h.fail--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		key := r.Header.Get(notify.IdempotencyHeader)
		h.byKey[key]++
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		h.bodies = append(h.bodies, m)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) snapshot() (byKey map[string]int, bodies []map[string]any, requests, badSig int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byKey = map[string]int{}
	for k, v := range h.byKey {
		byKey[k] = v
	}
	return byKey, append([]map[string]any(nil), h.bodies...), h.requests, h.badSig
}
