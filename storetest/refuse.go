package storetest

import (
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Refusing stands between a store and the PostgreSQL server at pgURL, as the server itself would
// when it has no connection to spare: it forwards every connection as is, except that it answers
// the next connections, as many as Refuse says, as PostgreSQL does once max_connections (or a
// role's limit) is reached: FATAL 53300 "sorry, too many clients already" in the startup. Several
// purse instances and other clients share one server's connections, so a store must expect this.
type Refusing struct {
	URL     string // pgURL with the proxy's address
	refuse  atomic.Int64
	Refused atomic.Int64 // connections refused so far
}

// RefusingPostgres starts a Refusing proxy for pgURL (from PostgresURL) that closes when t ends.
func RefusingPostgres(t testing.TB, pgURL string) *Refusing {
	t.Helper()
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := u.Host
	u.Host = ln.Addr().String()
	p := &Refusing{URL: u.String()}
	// Connections under way end when their store closes; the listener ends with the test.
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				if p.refuse.Add(-1) >= 0 {
					p.Refused.Add(1)
					tooManyClients(c)
					return
				}
				p.refuse.Add(1) // not refusing: the count stays at zero
				forward(c, server)
			}()
		}
	}()
	return p
}

// Refuse makes the proxy refuse the next n connections (and forward the ones after them).
func (p *Refusing) Refuse(n int64) { p.refuse.Store(n) }

// tooManyClients answers a connection as PostgreSQL does when every connection slot is taken.
func tooManyClients(c net.Conn) {
	defer c.Close()
	b := pgproto3.NewBackend(c, c)
	if _, err := b.ReceiveStartupMessage(); err != nil {
		return
	}
	b.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: "53300",
		Message: "sorry, too many clients already"})
	_ = b.Flush()
}

// forward copies bytes both ways between c and the server until either side closes.
func forward(c net.Conn, server string) {
	defer c.Close()
	s, err := net.Dial("tcp", server)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done // one side ended: the deferred closes end the other copy
}
