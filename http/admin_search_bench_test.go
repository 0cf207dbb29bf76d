package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
)

// BenchmarkSupportSearchTwenty measures support's search by phone when it finds its limit of 20
// accounts (one live, 19 closed, all once holding the phone): each row's overview now opens the
// account's data key and sealed phone to show it masked (issue 15: no masked copy is stored).
// Run with -bench on both stores; docs/retention.md has the figures.
func BenchmarkSupportSearchTwenty(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			e := apitest.New(b, dialect)
			phone := apitest.NextPhone()
			for i := 0; i < 20; i++ {
				e.Clock.Advance(25 * time.Hour) // a phone gets 5 registration codes a day
				var a struct{ ID string }
				e.Register(map[string]any{"phone": phone, "password": "correct horse", "payment_password": "135790"}).
					Expect(b, 201).JSON(b, &a)
				if i < 19 {
					e.MarkClosed(b, a.ID)
				}
			}
			agent := apitest.Auth(e.Operator("agent"))
			b.ResetTimer()
			for b.Loop() {
				var found struct{ Items []map[string]any }
				e.Call("GET", "/api/v1/admin/accounts?phone="+phone, nil, agent...).Expect(b, 200).JSON(b, &found)
				if len(found.Items) != 20 {
					b.Fatalf("found %d", len(found.Items))
				}
			}
		})
	}
}
