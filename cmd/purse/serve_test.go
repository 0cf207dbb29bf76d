package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// TestServeDemoOnAnEmptyDirectory runs `purse serve --demo` as the README's quick start does, in a
// fresh directory, and signs in as the clean demo account through the real listener.
func TestServeDemoOnAnEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("PURSE_MASTER_KEY", "")
	// Parse real arguments, as the binary does, so every flag gets its default.
	var cli CLI
	parser, err := kong.New(&cli)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.Parse([]string{"serve", "--demo", "--db", filepath.Join(dir, "purse.db"), "--addr", addr}); err != nil {
		t.Fatal(err)
	}
	cmd := &cli.Serve
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.run(ctx) }()

	base := "http://" + addr
	waitFor(t, base+"/healthz", 200)
	waitFor(t, base+"/readyz", 200)
	// Seeding runs behind the listener: wait until the demo account can sign in.
	var status int
	for i := 0; i < 200; i++ {
		res, err := http.Post(base+"/api/v1/sessions", "application/json",
			bytes.NewReader([]byte(`{"login":"13800000000","password":"Demo-pass-1"}`)))
		if err == nil {
			status = res.StatusCode
			var body map[string]any
			json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if status == 201 && body["token"] != nil {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != 201 {
		t.Fatalf("the demo account never signed in (last status %d)", status)
	}
	if _, err := os.Stat(filepath.Join(dir, "purse.db.key")); err != nil {
		t.Fatalf("--demo made no master key file: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
}

func waitFor(t *testing.T, url string, want int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == want {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never answered %d", url, want)
}
