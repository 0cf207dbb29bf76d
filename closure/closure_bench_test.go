package closure_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/closuretest"
)

// BenchmarkEligibility measures the eligibility check at the service level (AP-3: every fact in one
// read transaction, then the pure check), on every store, from parallel callers over 64 accounts.
func BenchmarkEligibility(b *testing.B) {
	for _, d := range []string{"sqlite", "postgres"} {
		b.Run(d, func(b *testing.B) {
			e := apitest.New(b, d, closuretest.WithPolicy(b, "tenpay"))
			var ids []string
			for range 64 {
				ids = append(ids, e.SignUp("").ID)
			}
			ctx := context.Background()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := e.App.Closures.Eligibility(ctx, ids[i%len(ids)], closure.Env{}); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkReview measures the submit's review transaction (AP-5, AP-7: every check again, the
// account to closed, the certificate, the notices and the audit) on every store. Each iteration
// brings a fresh account's request to review outside the timer.
func BenchmarkReview(b *testing.B) {
	for _, d := range []string{"sqlite", "postgres"} {
		b.Run(d, func(b *testing.B) {
			e := apitest.New(b, d, closuretest.WithPolicy(b, "tenpay"))
			svc := e.App.Closures
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				u := e.SignUp("")
				f, err := svc.Start(ctx, u.ID, closure.Env{})
				if err == nil {
					_, err = svc.Accept(ctx, u.ID, f.Request.ID, true, closure.Env{})
				}
				if err == nil {
					_, err = svc.ConfirmRights(ctx, u.ID, f.Request.ID, true)
				}
				if err == nil {
					_, err = svc.SendCode(ctx, u.ID, f.Request.ID, purse.ChannelSMS)
				}
				if err == nil {
					_, err = svc.Verify(ctx, u.ID, f.Request.ID, closure.Answers{PaymentPassword: u.PaymentPassword,
						SMSCode: closuretest.Code(b, e, u.Phone)})
				}
				if err != nil {
					b.Fatal(err)
				}
				id := f.Request.ID
				b.StartTimer()
				f, err = svc.Submit(ctx, u.ID, id)
				if err != nil {
					b.Fatal(err)
				}
				if f.Request.State != purse.ClosureClosed {
					b.Fatalf("state %s after submit, want closed", f.Request.State)
				}
			}
		})
	}
}
