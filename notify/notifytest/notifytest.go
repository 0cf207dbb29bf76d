// Package notifytest runs message providers in-process for tests: a real SMTP server (go-smtp) on
// 127.0.0.1 that keeps what it receives, and a webhook receiver that checks purse's signature and
// counts deliveries by idempotency key.
package notifytest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/purse-wallet/purse/notify"
)

// Credentials the Mailbox accepts.
const (
	User     = "purse"
	Password = "s3cret"
	From     = "purse <noreply@purse.example>"
)

// Mailbox is an SMTP server that keeps every message it accepts.
type Mailbox struct {
	Addr string

	mu       sync.Mutex
	received []Received
	failData int
	rejectTo bool
	auths    int
	hold     chan struct{}
}

// Received is one accepted message: its envelope and raw data.
type Received struct {
	From string
	To   []string
	Data []byte
}

// NewMailbox starts a server, closed when t ends.
func NewMailbox(t testing.TB) *Mailbox {
	t.Helper()
	mb := &Mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb}, nil
	}))
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.Addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() {
		mb.Release()
		s.Close()
	})
	return mb
}

// URL is the --smtp-url of the mailbox (use TLS policy "none"; the password, Password, goes in
// PURSE_SMTP_PASSWORD or notify.Config.SMTPPassword).
func (mb *Mailbox) URL() string { return "smtp://" + User + "@" + mb.Addr }

// FullURL is URL with the password in it, for notify.NewMail, which takes the URL Senders built.
func (mb *Mailbox) FullURL() string { return "smtp://" + User + ":" + Password + "@" + mb.Addr }

// Sender returns a notify.Mail sending to the mailbox.
func (mb *Mailbox) Sender(t testing.TB) *notify.Mail {
	t.Helper()
	m, err := notify.NewMail(mb.FullURL(), "none", From)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FailData makes the server answer 451 to the next n messages.
func (mb *Mailbox) FailData(n int) {
	mb.mu.Lock()
	mb.failData = n
	mb.mu.Unlock()
}

// Hold makes the server keep each following message and then not answer the end of its data
// until Release: the sender waits as if the server were slow, which lets a test kill it between
// a message reaching the provider and purse marking it sent.
func (mb *Mailbox) Hold() {
	mb.mu.Lock()
	mb.hold = make(chan struct{})
	mb.mu.Unlock()
}

// Release answers every held message and stops holding.
func (mb *Mailbox) Release() {
	mb.mu.Lock()
	if mb.hold != nil {
		close(mb.hold)
		mb.hold = nil
	}
	mb.mu.Unlock()
}

// RejectRecipients makes the server answer 550 to every recipient.
func (mb *Mailbox) RejectRecipients() {
	mb.mu.Lock()
	mb.rejectTo = true
	mb.mu.Unlock()
}

// Auths counts successful sign-ins.
func (mb *Mailbox) Auths() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return mb.auths
}

// Received returns what the server accepted, in order.
func (mb *Mailbox) Received() []Received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]Received(nil), mb.received...)
}

// Mail is a received message, parsed: headers, decoded subject and decoded text body.
type Mail struct {
	Header  mail.Header
	Subject string
	Body    string
}

// Messages parses every received message, failing t on a malformed one.
func (mb *Mailbox) Messages(t testing.TB) []Mail {
	t.Helper()
	var out []Mail
	for _, r := range mb.Received() {
		m, err := Parse(r.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// To returns the parsed messages whose To header is addr.
func (mb *Mailbox) To(t testing.TB, addr string) []Mail {
	t.Helper()
	var out []Mail
	for _, m := range mb.Messages(t) {
		if a, err := mail.ParseAddress(m.Header.Get("To")); err == nil && strings.EqualFold(a.Address, addr) {
			out = append(out, m)
		}
	}
	return out
}

// Parse reads a single-part text message, decoding an encoded subject and a base64 or
// quoted-printable body.
func Parse(data []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Mail{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		return Mail{}, err
	}
	body := string(raw)
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
		if err != nil {
			return Mail{}, err
		}
		body = string(b)
	case "quoted-printable":
		return Mail{}, errors.New("notifytest: quoted-printable bodies are not decoded")
	}
	return Mail{Header: msg.Header, Subject: subject, Body: body}, nil
}

type session struct {
	mb   *Mailbox
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return errors.New("bad credentials")
		}
		s.mb.mu.Lock()
		s.mb.auths++
		s.mb.mu.Unlock()
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.rejectTo {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	if s.mb.failData > 0 {
		s.mb.failData--
		s.mb.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.mb.received = append(s.mb.received, Received{From: s.from, To: s.to, Data: b})
	hold := s.mb.hold
	s.mb.mu.Unlock()
	if hold != nil {
		<-hold
	}
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// Receiver is a webhook endpoint that checks every request's signature and counts deliveries by
// idempotency key.
type Receiver struct {
	*httptest.Server
	secret []byte

	mu       sync.Mutex
	byKey    map[string]int
	bodies   []map[string]any
	requests int
	badSig   int
	fail     int
}

// NewReceiver starts a receiver expecting signatures made with secret, closed when t ends.
func NewReceiver(t testing.TB, secret []byte) *Receiver {
	t.Helper()
	h := &Receiver{secret: secret, byKey: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *Receiver) serve(w http.ResponseWriter, r *http.Request) {
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
	h.byKey[r.Header.Get(notify.IdempotencyHeader)]++
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	h.bodies = append(h.bodies, m)
	w.WriteHeader(http.StatusAccepted)
}

// Fail makes the receiver answer 503 to the next n correctly signed requests.
func (h *Receiver) Fail(n int) {
	h.mu.Lock()
	h.fail = n
	h.mu.Unlock()
}

// Snapshot returns deliveries by idempotency key, the accepted bodies, and the counts of all
// requests and of badly signed ones.
func (h *Receiver) Snapshot() (byKey map[string]int, bodies []map[string]any, requests, badSig int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byKey = map[string]int{}
	for k, v := range h.byKey {
		byKey[k] = v
	}
	return byKey, append([]map[string]any(nil), h.bodies...), h.requests, h.badSig
}
