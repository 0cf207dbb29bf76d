package crashtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSlowHeaderConnections opens 300 connections that send a request's headers a byte at a
// time, as a slowloris attack does, and meanwhile sends ordinary requests: they all answer, and
// the server closes every slow connection once its read-header timeout (10 s) passes instead of
// keeping them, and their goroutines and descriptors, for as long as the client likes.
func TestSlowHeaderConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and runs real processes")
	}
	s := newServer(t, t.TempDir()+"/purse.db", masterKey)
	s.start()
	token := signUpAndIn(t, s, "13600000000")

	const slow = 300
	began := time.Now()
	closed := make(chan time.Duration, slow)
	var conns []net.Conn
	for range slow {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatalf("slow connection: %v", err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: purse\r\nX-Slow: ")
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(2)
		go func() { // a byte every half second, never the header's end
			defer wg.Done()
			for time.Since(began) < 30*time.Second {
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
				time.Sleep(500 * time.Millisecond)
			}
		}()
		go func() { // the server's answer (408 or nothing) and the end of the connection
			defer wg.Done()
			_, _ = io.Copy(io.Discard, c)
			closed <- time.Since(began)
		}()
	}

	// Ordinary requests meanwhile, one after another.
	var took []time.Duration
	for i := 0; i < 100; i++ {
		req, _ := http.NewRequest("GET", s.url()+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		sent := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("an ordinary request beside the slow connections: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("an ordinary request beside the slow connections: %d", res.StatusCode)
		}
		took = append(took, time.Since(sent))
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(took)
	t.Logf("ordinary requests beside %d slow connections: median %v, p99 %v", slow, took[len(took)/2], took[len(took)*99/100])

	// Every slow connection is closed by the server, within its read-header timeout and slack.
	var last time.Duration
	for range slow {
		select {
		case at := <-closed:
			if at > 25*time.Second {
				t.Fatalf("a slow connection was closed only after %v", at)
			}
			last = max(last, at)
		case <-time.After(30 * time.Second):
			t.Fatal("the server kept a slow connection open past 30 s")
		}
	}
	t.Logf("the last slow connection was closed by the server %v after the first opened", last)
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
}
