package web_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
)

// The preparation page (issue 18, TP-1, IM-3): reachable from settings and from the closure's
// first page, it lists what would stop a closure now (with the remedy loops: on tenpay a card
// bound to withdraw blocks too), every service a closure ends with a link to a page that exists,
// and the exports; it starts no closure.
func TestPreparationPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "准备者")
		c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"20"}}).expect(t, 200)
		c.get("/settings").expect(t, 200, `href="/closure/prepare"`, `href="/settings/linked-accounts"`,
			`href="/services/auto-debits"`, `href="/settings/payments"`, `href="/account/business"`, `href="/wallet/coupons"`)
		c.get("/closure").expect(t, 200, `href="/closure/prepare"`, `href="/wallet/export/takeout.zip"`)
		p := c.get("/closure/prepare").expect(t, 200, "注销前准备", `data-code="BALANCE_NOT_ZERO"`,
			"已绑定的卡也会阻止注销", `href="/wallet/withdraw"`, `id="prep-csv"`, `id="prep-takeout"`, `id="prep-pdf"`)
		if strings.Contains(p.Body, "?closure=") {
			t.Error("the preparation page's remedies point back to a closure request that does not exist")
		}
		for _, link := range []string{"cards", "payments", "auto_debits", "linked", "business", "contracts", "credit", "coupons", "disputes"} {
			href := hrefOf(t, p.Body, `id="prep-`+link+`"`)
			c.get(href).expect(t, 200)
		}
		err := e.App.Store.Tx(context.Background(), func(tx purse.Tx) error {
			_, err := tx.OpenClosure(context.Background(), acct, closure.Open())
			return err
		})
		if !errors.Is(err, purse.ErrNotFound) {
			t.Errorf("after the preparation page, an open closure: %v", err)
		}
	}, ct.WithPolicy(t, "tenpay"))
}

// hrefOf is the href of the element with the attribute marker (such as id="x") on a page.
func hrefOf(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s on the page", marker)
	}
	start := strings.LastIndex(body[:i], "<")
	tag := body[start : i+strings.Index(body[i:], ">")]
	h := strings.Index(tag, `href="`)
	if h < 0 {
		t.Fatalf("%s has no href: %s", marker, tag)
	}
	rest := tag[h+len(`href="`):]
	return rest[:strings.Index(rest, `"`)]
}

// AP-8.3 (issue 18: the remedy opened a bill marked 已完成 with no time when the block clears): a
// withdrawal that has just arrived holds the closure for the policy's window, and the blocker says
// until when.
func TestInProgressSaysUntilWhen(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("郑十一")
		acct := c.accountID()
		ct.Blocker(t, e, acct, purse.CodeTransactionInProgress)
		p := c.get("/closure/prepare").expect(t, 200, `data-code="TRANSACTION_IN_PROGRESS"`, "预计")
		// The default policy holds a withdrawal for 24 hours: the time shown is the clock's plus a day.
		if want := e.App.Catalog.FormatTime("zh-CN", e.Clock.Now().Add(24*time.Hour)); !strings.Contains(p.Body, want) {
			t.Errorf("the blocker does not say %s:\n%.2000s", want, p.Body)
		}
	})
}
