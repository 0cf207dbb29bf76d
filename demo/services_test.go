package demo_test

import (
	"context"
	"io"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/demo"
)

// The service demo accounts show their state, and seeding twice changes nothing.
func TestSeedServices(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := demo.Seed(ctx, e.App, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		get := func(phone string) *blocker.Overview {
			t.Helper()
			found, err := e.App.Blockers.Search(ctx, phone, "")
			if err != nil || len(found) != 1 {
				t.Fatalf("%s: %v %v", phone, found, err)
			}
			return found[0]
		}
		if o := get("13800000004"); o.Counts.AutoDebits != 1 {
			t.Errorf("04: %+v", o.Counts)
		}
		if o := get("13800000006"); o.Counts.ActiveFlags != 1 {
			t.Errorf("06: %+v", o.Counts)
		}
		if o := get("13800000007"); o.Counts.PendingBusiness != 1 {
			t.Errorf("07: %+v", o.Counts)
		}
		if o := get("13800000008"); o.Counts.OpenDisputes != 1 || o.Status != "restricted" {
			t.Errorf("08: %s %+v", o.Status, o.Counts)
		}
		if o := get("13800000009"); o.Counts.ContractsInTerm != 1 || o.Kind != "merchant" {
			t.Errorf("09: %s %+v", o.Kind, o.Counts)
		}
		if o := get("13800000011"); o.Kind != "mobile" || o.HasEmail || o.Counts != (blocker.Counts{}) {
			t.Errorf("11: %+v", o)
		}
		if o := get("13800000012"); !o.CertificateRequired {
			t.Errorf("12: %+v", o)
		}
		if o := get("13800000013"); o.Counts.LinkedAccounts != 1 || !o.HasEmail || o.Kind != "unverified" {
			t.Errorf("13: %+v", o)
		}
		if o := get("13800000000"); o.Counts != (blocker.Counts{}) {
			t.Errorf("00: %+v", o.Counts)
		}
	})
}
