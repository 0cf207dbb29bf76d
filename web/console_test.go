package web_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/audit"
	purshttp "github.com/purse-wallet/purse/http"
)

const opPassword = "operator password 1"

func newOperator(t *testing.T, e *apitest.Env, name string, role purse.Role) {
	t.Helper()
	if _, _, err := e.App.Operators.Create(context.Background(), name, role, opPassword); err != nil {
		t.Fatal(err)
	}
}

func consoleSignIn(t *testing.T, c *client, name string) {
	t.Helper()
	c.post("/admin/signin", "/admin/signin", url.Values{"username": {name}, "password": {opPassword}}).
		expect(t, 200, `id="operator-name">`+name)
}

// auditEvents lists the audit events about the subject ("" for every subject), oldest first.
func auditEvents(t *testing.T, e *apitest.Env, subject string) []*purse.AuditEvent {
	t.Helper()
	var evs []*purse.AuditEvent
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		evs, err = tx.AuditEvents(context.Background(), subject, purse.AuditPos{}, 1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func auditActions(t *testing.T, e *apitest.Env) []string {
	t.Helper()
	var out []string
	for _, ev := range auditEvents(t, e, "") {
		out = append(out, ev.Action)
	}
	return out
}

// audited counts the audit events of the action.
func audited(t *testing.T, e *apitest.Env, action string) int {
	t.Helper()
	n := 0
	for _, a := range auditActions(t, e) {
		if a == action {
			n++
		}
	}
	return n
}

func settingOf(t *testing.T, e *apitest.Env, key string) string {
	t.Helper()
	var v string
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		v, err = tx.Setting(context.Background(), key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestConsoleSignIn(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		newOperator(t, e, "agent1", purse.RoleAgent)
		c := newClient(t, e)
		c.get("/admin").expect(t, 200, `action="/admin/signin"`)
		c.post("/admin/signin", "/admin/signin", url.Values{"username": {"agent1"}, "password": {"wrong password!"}}).
			expect(t, 401, "用户名或密码错误", `value="agent1"`)
		c.post("/admin/signin", "/admin/signin", url.Values{"username": {"nobody"}, "password": {opPassword}}).
			expect(t, 401, "用户名或密码错误")
		consoleSignIn(t, c, "agent1")
		c.get("/admin").expect(t, 200, `id="operator-role">客服`)
		// The console session is not a wallet session, and is gone after sign-out.
		c.get("/").expect(t, 200, `action="/signin"`)
		c.post("/admin", "/admin/signout", url.Values{}).expect(t, 200, `action="/admin/signin"`)
		c.get("/admin/accounts").expect(t, 200, `action="/admin/signin"`)
		// The log is ordered by chain: the failures (about the names tried) and the operator's
		// sign-in and sign-out may be in different chains, so they are counted, not lined up.
		got := strings.Join(auditActions(t, e), ",")
		if strings.Count(got, "operator.signin_failed") != 2 || strings.Count(got, "operator.signin,") != 1 ||
			!strings.Contains(got, "operator.signin,operator.signout") {
			t.Fatalf("audit: %s", got)
		}
	})
}

// Ten wrong passwords for a username in the window lock its sign-in, the right one included.
func TestConsoleSignInLimit(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	newOperator(t, e, "admin1", purse.RoleAdmin)
	c := newClient(t, e)
	for range 10 {
		c.post("/admin/signin", "/admin/signin", url.Values{"username": {"admin1"}, "password": {"wrong password!"}}).expect(t, 401)
	}
	c.post("/admin/signin", "/admin/signin", url.Values{"username": {"admin1"}, "password": {opPassword}}).
		expect(t, 429, "操作过于频繁")
	e.Clock.Advance(16 * 60e9)
	consoleSignIn(t, c, "admin1")
}

// Only an admin changes the switches; the change is live and audited.
func TestConsoleMaintenance(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		newOperator(t, e, "rev1", purse.RoleReviewer)
		newOperator(t, e, "admin1", purse.RoleAdmin)
		form := url.Values{"on": {"yes"}, "notice": {"系统升级"}, "minutes": {"30"}, "min_version": {"3.2.0"}}

		rev := newClient(t, e)
		consoleSignIn(t, rev, "rev1")
		rev.get("/admin/maintenance").expect(t, 200, "只有管理员角色可以修改")
		rev.post("/admin/maintenance", "/admin/maintenance", form).expect(t, 403, "管理员")
		if settingOf(t, e, purshttp.SettingMaintenance) != "" || settingOf(t, e, purshttp.SettingMinClientVersion) != "" {
			t.Fatal("a reviewer changed the switches")
		}

		adm := newClient(t, e)
		consoleSignIn(t, adm, "admin1")
		adm.post("/admin/maintenance", "/admin/maintenance", url.Values{"on": {"yes"}, "notice": {""}}).
			expect(t, 422, "请填写维护公告")
		adm.post("/admin/maintenance", "/admin/maintenance", url.Values{"min_version": {"three"}}).
			expect(t, 422, "版本号须为以点分隔的数字")
		if settingOf(t, e, purshttp.SettingMaintenance) != "" || settingOf(t, e, purshttp.SettingMinClientVersion) != "" {
			t.Fatal("a refused change changed the switches")
		}
		adm.post("/admin/maintenance", "/admin/maintenance", form).expect(t, 200, `id="saved"`, "系统升级", "3.2.0")

		// GE-1: a browser gets the maintenance page with the notice and the time to come back; the
		// API keeps answering problem+json; the console stays open.
		user := newClient(t, e)
		p := user.get("/signin").expect(t, 503, "系统维护中", "系统升级", "2026年3月2日 09:30", "MAINTENANCE")
		if p.Header.Get("Retry-After") != "1800" || p.Header.Get("Content-Security-Policy") == "" {
			t.Fatalf("maintenance page headers: %v", p.Header)
		}
		e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 503, "MAINTENANCE")
		adm.get("/admin").expect(t, 200, "系统升级")
		user.get("/problems/app-version-outdated").expect(t, 503) // the gate answers first
		e.Call("GET", "/healthz", nil).Expect(t, 200)

		adm.post("/admin/maintenance", "/admin/maintenance", url.Values{"min_version": {"3.2.0"}}).expect(t, 200, `id="saved"`)
		user.get("/signin").expect(t, 200, "登录")
		user.get("/problems/app-version-outdated").expect(t, 200, "请更新应用", "3.2.0")
		e.Call("GET", "/api/v1/me", nil, "X-Client-Version", "3.1.9").ExpectProblem(t, 426, "APP_VERSION_OUTDATED")

		if n := audited(t, e, audit.AdminSwitchesSet); n != 2 {
			t.Fatalf("%d %s audit events, want 2", n, audit.AdminSwitchesSet)
		}
	})
}

// An agent finds accounts by phone, e-mail and id; only the masked phone shows; a closed account
// is found by its old phone when no live account holds it; every search is audited.
func TestConsoleFindAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		newOperator(t, e, "agent1", purse.RoleAgent)
		u := e.SignUp("find.me@example.com")
		c := newClient(t, e)
		consoleSignIn(t, c, "agent1")
		masked := u.Phone[:3] + "****" + u.Phone[7:]
		for _, q := range []string{u.Phone, "Find.Me@example.com", u.ID} {
			p := c.get("/admin/accounts?q="+url.QueryEscape(q)).expect(t, 200, `id="results"`, u.ID, masked, "正常")
			if strings.Contains(p.Body, u.Phone) && q != u.Phone {
				t.Fatal("the full phone number is shown")
			}
		}
		c.get("/admin/accounts?q=13000000000").expect(t, 200, `id="no-results"`)

		e.MarkClosed(t, u.ID)
		c.get("/admin/accounts?q="+u.Phone).expect(t, 200, u.ID, "已注销")
		p := c.get("/admin/accounts/"+u.ID).expect(t, 200, `id="account-status">已注销`, masked, `id="trail"`, audit.AdminAccountSearch)
		if strings.Contains(p.Body, u.Phone) || strings.Contains(p.Body, "find.me@example.com") {
			t.Fatal("the account page shows personal data")
		}
		c.get("/admin/accounts/no-such-id").expect(t, 404, "页面不存在")
		if n := audited(t, e, audit.AdminAccountSearch); n != 5 {
			t.Fatalf("%d %s audit events, want 5", n, audit.AdminAccountSearch)
		}
		if !slices.Contains(auditActions(t, e), audit.AdminAccountView) {
			t.Fatal("viewing an account was not audited")
		}
	})
}

// A problem type's page describes the problem; it never pretends the problem is happening (issue
// 18: /problems/maintenance showed a maintenance page with status 200 while nothing was down).
func TestProblemTypePageIsADescription(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e)
	p := c.get("/problems/maintenance").expect(t, 200, "错误类型说明", "目前系统没有在维护")
	if strings.Contains(p.Body, "<no value>") || strings.Contains(p.Body, "分钟 后再试") {
		t.Fatalf("the description pretends maintenance is on:\n%s", p.Body)
	}
	c.get("/problems/payment-password-wrong").expect(t, 200, "支付密码错误")
	c.get("/problems/no-such-thing").expect(t, 404)
	c.lang = "en"
	c.get("/problems/maintenance").expect(t, 200, "About this error", "There is no maintenance now")
}
