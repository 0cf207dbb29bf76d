package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

var closurePath = regexp.MustCompile(`^/closure/([0-9a-f-]{36})$`)

// startClosure ticks the agreement and returns the request's id from the page it lands on.
func startClosure(t testing.TB, c *client) (string, *page) {
	t.Helper()
	p := c.post("/closure", "/closure", url.Values{"accept": {"yes"}, "from": {"settings"}})
	m := closurePath.FindStringSubmatch(p.URL)
	if m == nil {
		t.Fatalf("after the agreement: on %s (%d)\n%s", p.URL, p.Status, p.Body)
	}
	return m[1], p
}

// TP-2..TP-6 through the pages: agreement, rights, payment password and SMS code (with a wrong
// code first, GE-1), confirm, closed.
func TestWizardTenpay(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		phone := c.registerUser("张三")
		id, p := startClosure(t, c)
		p.expect(t, 200, "放弃", "个人信息", `action="/closure/`+id+`/rights"`)
		from := "/closure/" + id
		c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}).
			expect(t, 200, `id="f-payment_password"`, `inputmode="numeric"`, `id="send-sms"`)
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).expect(t, 200, "验证码已发送", `data-countdown="60"`)
		code := ct.Code(t, e, phone)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		c.post(from, from+"/verify", url.Values{"payment_password": {"135790"}, "sms_code": {wrong}}).
			expect(t, 422, "验证码错误", "重新获取")
		c.post(from, from+"/verify", url.Values{"sms_code": {code}}).expect(t, 200, `id="confirm-closure"`)
		// AP-5: the result went by SMS, the account having no e-mail; the page says which (issue 18).
		c.post(from, from+"/submit", url.Values{}).expect(t, 200, "账户已注销", "注册新账户", "结果已通过短信通知您")
		if s := e.ClosureState(t, id); s != purse.ClosureClosed {
			t.Fatalf("state %s, want closed", s)
		}
	}, ct.WithPolicy(t, "tenpay"))
}

// Every wizard form: without its CSRF token it is refused and nothing moves; asked in the wrong
// step it shows the current step with the conflict; on another account's request it is a 404.
func TestWizardPosts(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("李四")
		id, _ := startClosure(t, c) // a clean account: in "rights"
		other := newClient(t, e)
		other.registerUser("王五")
		from := "/closure/" + id
		forms := map[string]url.Values{
			"recheck": {}, "rights": {"confirm": {"yes"}}, "code": {"channel": {"sms"}},
			"verify": {"payment_password": {"135790"}}, "submit": {}, "cancel": {},
		}
		for action, form := range forms {
			// No CSRF token: refused, state unchanged.
			c.do("POST", from+"/"+action, form).expect(t, 403, "页面已过期")
			if s := e.ClosureState(t, id); s != purse.ClosureRights {
				t.Fatalf("%s without CSRF moved the request to %s", action, s)
			}
			// Another account's request: the 404 page, state unchanged.
			other.post("/closure", from+"/"+action, url.Values(cloneForm(form))).expect(t, 404)
			if s := e.ClosureState(t, id); s != purse.ClosureRights {
				t.Fatalf("%s by another account moved the request to %s", action, s)
			}
		}
		other.get(from).expect(t, 404)
		// Wrong step: every action but rights and cancel is refused in "rights".
		for _, action := range []string{"recheck", "code", "verify", "submit"} {
			c.post(from, from+"/"+action, cloneForm(forms[action])).
				expect(t, 409, "暂时不能进行此操作", `action="/closure/`+id+`/rights"`)
			if s := e.ClosureState(t, id); s != purse.ClosureRights {
				t.Fatalf("%s in the wrong step moved the request to %s", action, s)
			}
		}
		c.post(from, from+"/cancel", url.Values{}).expect(t, 200, "已放弃注销")
		c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}).expect(t, 409, "暂时不能进行此操作")
		if s := e.ClosureState(t, id); s != purse.ClosureCancelled {
			t.Fatalf("state %s, want cancelled", s)
		}
	})
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// AP-3: a blocked account sees every blocker with its remedy; clearing the auto-debit on its page
// and checking again leaves the others.
func TestWizardBlockers(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("赵六")
		acct := c.accountID()
		ctx := context.Background()
		ad, err := e.App.Blockers.AddAutoDebit(ctx, "system:test", acct, "滴滴出行", purse.AutoDebitGeneral)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Blockers.OpenDispute(ctx, "system:test", acct, "交易纠纷", false); err != nil {
			t.Fatal(err)
		}
		id, p := startClosure(t, c)
		p.expect(t, 200, `data-code="AUTO_DEBIT_ACTIVE"`, `data-code="ACCOUNT_DISPUTED"`, "代扣协议",
			`href="/services/auto-debits?closure=`+id+`"`, `href="/help/disputes?closure=`+id+`"`)
		c.get("/services/auto-debits?closure="+id).expect(t, 200, "滴滴出行", `id="back-to-closure"`)
		c.post("/services/auto-debits?closure="+id, "/services/auto-debits/"+ad.ID+"/cancel", url.Values{"closure": {id}}).
			expect(t, 200, "已处理", "已结束")
		p = c.post("/closure/"+id, "/closure/"+id+"/recheck", url.Values{}).expect(t, 200, `data-code="ACCOUNT_DISPUTED"`)
		if strings.Contains(p.Body, `data-code="AUTO_DEBIT_ACTIVE"`) {
			t.Fatal("the cancelled auto-debit still blocks")
		}
		c.get("/help/disputes?closure="+id).expect(t, 200, "交易纠纷")
		// The money remedies are the ledger's pages now, with the way back to the request.
		c.get("/wallet/withdraw?closure="+id).expect(t, 200, `id="back-to-closure"`, "/wallet/cards?next=%2fwallet%2fwithdraw&amp;closure="+id)
		c.get("/wallet/coupons?closure="+id).expect(t, 200, "优惠券", `id="back-to-closure"`)
	}, ct.WithPolicy(t, "strict"))
}

// The page the e-mail link opens (IM-2) spends the token only when the user presses the button:
// without a CSRF token the press is refused, and a bad token says the link is not valid.
func TestWizardConfirmLink(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.get("/closure/confirm?token=pcl_nothing").expect(t, 200, `name="token" value="pcl_nothing"`, `id="confirm-link"`)
		c.do("POST", "/closure/confirm", url.Values{"token": {"pcl_nothing"}}).expect(t, 403, "页面已过期")
		c.post("/closure/confirm?token=pcl_nothing", "/closure/confirm", url.Values{"token": {"pcl_nothing"}}).
			expect(t, 422, "该确认链接无效")
	})
}

// The step bar names the page the user is on, and nothing is "done" before it is (issue 18: the
// confirm page showed "4. 完成" before anything was done, and the rights page was marked 条件检查).
func TestStepBarSaysWhereTheUserIs(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		phone := c.registerUser("李四")
		current := func(p *page, step string) {
			t.Helper()
			p.expect(t, 200, `aria-current="step">`+step+`</li>`)
			if strings.Contains(p.Body, "完成</li>") {
				t.Errorf("%s: the step bar has a 完成 step before the closure is done", p.URL)
			}
		}
		current(c.get("/closure"), "阅读须知")
		id, p := startClosure(t, c)
		current(p, "确认权益")
		from := "/closure/" + id
		current(c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}), "身份验证")
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).expect(t, 200)
		current(c.post(from, from+"/verify", url.Values{"payment_password": {"135790"}, "sms_code": {ct.Code(t, e, phone)}}), "提交申请")
	}, ct.WithPolicy(t, "tenpay"))
}
