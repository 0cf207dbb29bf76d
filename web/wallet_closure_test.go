package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// AP-3, AP-8.1: an account blocked by its balance follows the blocker's remedy button to the
// withdrawal page, withdraws everything, goes back and checks again: BALANCE_NOT_ZERO is gone
// (the withdrawal now waits for the bank, which the check reports as in progress, AP-8.3).
func TestWithdrawClearsBalanceBlocker(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "钱多多")
		id, p := startClosure(t, c)
		p.expect(t, 200, `data-code="BALANCE_NOT_ZERO"`, `href="/wallet/withdraw?closure=`+id+`"`)
		c.get("/wallet/withdraw?closure="+id).expect(t, 200, "¥100.00", `name="closure" value="`+id+`"`, `id="back-to-closure"`)
		p = c.post("/wallet/withdraw?closure="+id, "/wallet/withdraw", url.Values{"card": {card}, "amount": {"100.00"}, "payment_password": {"135790"},
			"closure": {id}}).expect(t, 200, "银行结算前显示为处理中", `href="/closure/`+id+`"`, "¥0.00")
		if n := book(t, e, acct, purse.BookMain); n != 0 {
			t.Fatalf("balance %d after withdrawing it all", n)
		}
		p = c.post("/closure/"+id, "/closure/"+id+"/recheck", url.Values{}).expect(t, 200)
		if strings.Contains(p.Body, `data-code="BALANCE_NOT_ZERO"`) {
			t.Fatal("the withdrawn balance still blocks")
		}
		// The pending withdrawal shows on the transactions page, the remedy of
		// TRANSACTION_IN_PROGRESS, with when the bank settles it.
		c.get("/wallet/transactions").expect(t, 200, "提现", "处理中", "预计")
	}, ct.WithPolicy(t, "strict"))
}
