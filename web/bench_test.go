package web_test

import (
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// BenchmarkHomePage measures a signed-in home page over HTTP on SQLite: session lookup, account
// decryption and rendering.
func BenchmarkHomePage(b *testing.B) {
	e := apitest.New(b, "sqlite")
	c := newClient(b, e)
	c.registerUser("Bench")
	b.ResetTimer()
	for b.Loop() {
		if p := c.get("/"); p.Status != 200 {
			b.Fatalf("status %d", p.Status)
		}
	}
}
