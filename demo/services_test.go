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

// The demo speaks the operator's language: the Chinese accounts' data is in Chinese, and the
// English-speaking user's account is in English (issue 18: "Trade dispute: …", "Metro Power Co.",
// "shop" and "ICBC" on Chinese pages).
func TestSeedLanguages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	ctx := context.Background()
	if err := demo.Seed(ctx, e.App, io.Discard); err != nil {
		t.Fatal(err)
	}
	id := func(phone string) string {
		found, err := e.App.Blockers.Search(ctx, phone, "")
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: %v %v", phone, found, err)
		}
		return found[0].ID
	}
	disputes, err := e.App.Blockers.Disputes(ctx, id("13800000008"))
	if err != nil || len(disputes) != 1 || disputes[0].Reason != "交易纠纷：买家称未收到货物" {
		t.Fatalf("dispute %v %v", disputes, err)
	}
	debits, err := e.App.Blockers.AutoDebits(ctx, id("13800000004"))
	if err != nil || len(debits) != 1 || debits[0].Merchant != "城市电力公司" {
		t.Fatalf("auto-debits %v %v", debits, err)
	}
	en, err := e.App.Accounts.Get(ctx, id("13800000014"))
	if err != nil || en.Language != "en" || en.Name != "Alex Demo" {
		t.Fatalf("the English demo account: %+v %v", en, err)
	}
	zh, err := e.App.Accounts.Get(ctx, id("13800000001"))
	if err != nil || zh.Language != "zh-CN" || zh.Name != "演示用户 01" {
		t.Fatalf("a Chinese demo account: %+v %v", zh, err)
	}
}
