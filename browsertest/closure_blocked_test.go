package browsertest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestClosureBlocked shows a blocked account every blocker with its remedy button (AP-3, AP-8),
// clears the auto-debit through its remedy page (AP-8.4), and checks again: the eligibility page
// no longer lists it, and still lists the dispute.
func TestClosureBlocked(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "strict"))
	u := e.SignUp("")
	ctx := context.Background()
	ad, err := e.App.Blockers.AddAutoDebit(ctx, "test", u.ID, "滴滴出行", purse.AutoDebitGeneral)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Blockers.OpenDispute(ctx, "test", u.ID, "交易纠纷", false); err != nil {
		t.Fatal(err)
	}
	flow, err := e.App.Business.StartPhoneChange(ctx, u.ID, apitest.NextPhone())
	if err != nil {
		t.Fatal(err)
	}
	b := New(t, e)
	signIn(b, u)
	id := agree(b)
	b.Expect("#elig-h", "暂时还不能注销")
	for _, code := range []string{"AUTO_DEBIT_ACTIVE", "ACCOUNT_DISPUTED", "BUSINESS_IN_PROGRESS"} {
		if !b.Has("#blockers [data-code='" + code + "'] a.remedy") {
			b.Shot("unexpected")
			t.Fatalf("blocker %s or its remedy button is missing", code)
		}
	}
	b.Expect("[data-code='AUTO_DEBIT_ACTIVE'] .blocker-msg", "代扣协议")
	b.Shot("blockers")

	b.Click("#fix-AUTO_DEBIT_ACTIVE")
	b.ExpectPath("/services/auto-debits")
	b.Expect("#items", "滴滴出行")
	b.Shot("remedy-auto-debits")
	b.Click("#end-" + ad.ID)
	b.Expect("#saved", "已处理")
	b.Expect("#items", "已结束")
	b.Shot("auto-debit-cancelled")
	b.Click("#back-to-closure")
	b.ExpectPath("/closure/" + id)
	b.Click("#recheck")
	b.Expect("#elig-h", "暂时还不能注销")
	if b.Has("#blockers [data-code='AUTO_DEBIT_ACTIVE']") {
		b.Shot("unexpected")
		t.Fatal("the cancelled auto-debit is still listed")
	}
	if !b.Has("#blockers [data-code='ACCOUNT_DISPUTED']") {
		t.Fatal("the dispute is no longer listed")
	}
	b.Shot("after-recheck")

	// The phone change under way is cancelled on its page (AP-8.7), and the dispute page says
	// support resolves it (AP-8.8).
	b.Click("#fix-BUSINESS_IN_PROGRESS")
	b.Expect("#items", "更换手机号")
	b.Click("#end-" + flow.ID)
	b.Expect("#saved", "已处理")
	b.Click("#back-to-closure")
	b.Click("#fix-ACCOUNT_DISPUTED")
	b.Expect("#items", "交易纠纷")
	b.Shot("remedy-disputes")
}
