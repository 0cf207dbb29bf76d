package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// register fills the registration form and lands on the home page.
func register(b *Browser, phone, name string) {
	b.T.Helper()
	b.Open("/register")
	b.Shot("register")
	b.Fill("#f-phone", phone)
	b.Click("#send-code") // registration by SMS code (issue 14)
	b.Expect("#code-sent", "")
	b.Fill("#f-code", b.Env.LastSMSCode(phone, "registration_code"))
	b.Fill("#f-name", name)
	b.Fill("#f-password", "correct horse")
	b.Fill("#f-password2", "correct horse")
	b.Fill("#f-payment_password", "135790")
	b.Click("#register-submit")
	b.ExpectPath("/")
}

// TestClosureEntrancesChinese walks, in Chinese, from registration through sign-out and sign-in
// to both closure entrances: settings → customer service centre → "close account" at the bottom
// (TP-2 app, PW-1, IM-2) and customer service → self-service → "close account" (TP-2 web, AP-1).
//
// Steps: TP-2, TP-3, PW-1, AP-1
func TestClosureEntrancesChinese(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	b := New(t, e)
	phone := apitest.NextPhone()

	register(b, phone, "王小明")
	b.Expect("#hello-h", "王小明")
	b.Expect(".hero-phone", phone[:3]+"****"+phone[7:])
	b.Shot("home-after-register")

	b.Click("#main ~ .tabs a[href='/settings']")
	b.ExpectPath("/settings")
	b.Click("form[action='/signout'] button")
	b.ExpectPath("/signin")
	b.Expect("h1", "登录")
	b.Shot("signin")
	signIn(b, &apitest.User{Phone: phone, Password: "correct horse"})
	b.Expect("#profile-h", "账户信息")
	b.Shot("home")

	// TP-2 app entrance: settings → customer service centre → close account at the bottom.
	b.Click(".tabs a[href='/settings']")
	b.Expect("h1", "设置")
	b.Shot("settings")
	b.Click("#to-service")
	b.ExpectPath("/service")
	b.Expect("h1", "客服中心")
	b.Shot("customer-service-centre")
	b.Click("#close-account")
	b.ExpectPath("/closure?from=settings")
	b.Expect("h1", "注销账户")
	b.Expect("#agree-h", "注销协议")
	b.Expect("label[for=f-accept]", "我已阅读并完全同意")
	b.Shot("closure-start")

	// The agreement cannot be passed without the tick (TP-3): the browser's own check stops the
	// form, and the server refuses it too.
	b.Click("form[action='/closure'] button[type=submit]")
	b.ExpectPath("/closure")

	// TP-2 web entrance / AP-1: customer service → self-service → close account.
	b.Open("/service")
	b.Click("#to-self-service")
	b.ExpectPath("/service/self")
	b.Expect("h1", "自助服务")
	b.Shot("self-service")
	b.Click("#close-account")
	b.ExpectPath("/closure?from=self-service")
	b.Expect("h1", "注销账户")

	b.Open("/help")
	b.Click("#recover summary")
	b.Expect("#recover .answer", "冷静期")
	b.Shot("help")
}

// TestLanguageSwitch switches the pages to English from the header and back from the settings.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	b := New(t, e)
	b.Open("/signin")
	b.Expect("h1", "登录")
	b.Click("form.lang button")
	b.ExpectPath("/signin")
	b.Expect("h1", "Sign in")
	b.Expect("label[for=f-login]", "Phone number or e-mail")
	b.Shot("signin-english")

	register(b, apitest.NextPhone(), "Ada")
	b.Expect(".hero-kicker", "Hello")
	b.Shot("home-english")
	b.Open("/settings")
	b.Expect("#lang-h", "Language")
	b.Click("label:has(input[value='zh-CN'])")
	b.Click("form.inline-form button[type=submit]")
	b.ExpectPath("/settings")
	b.Expect("#lang-h", "语言")
	b.Shot("settings-chinese")
}

// TestClosedAccountSignIn shows the TP-6 answer: signing in to a closed account says it is closed
// and offers to register anew (TP-7).
//
// Steps: TP-6, TP-7
func TestClosedAccountSignIn(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	e.MarkClosed(t, u.ID)
	b := New(t, e)
	b.Open("/signin")
	b.Fill("#f-login", u.Phone)
	b.Fill("#f-password", u.Password)
	b.Click("form.form button[type=submit]")
	b.Expect("#account-closed h2", "该账户已注销")
	b.Expect("#account-closed", "重新注册")
	b.Shot("signin-closed-account")
	b.Click("#account-closed a.btn")
	b.ExpectPath("/register")
}

// TestOperatorMaintenance signs an admin in to the console, switches maintenance on, sees the
// wallet pages answer with the maintenance page and its notice (GE-1), and switches it off again.
//
// Steps: GE-1
func TestOperatorMaintenance(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	newOperator(t, e, "alice", purse.RoleAdmin)
	b := New(t, e)
	b.Open("/admin")
	b.ExpectPath("/admin/signin")
	b.Fill("#f-username", "alice")
	b.Fill("#f-password", "wrong password 1")
	b.Click("form.form button[type=submit]")
	b.Expect(".alert", "用户名或密码错误")
	b.Shot("console-signin")
	consoleSignIn(b, "alice")
	b.Expect("#operator-name", "alice")
	b.Expect("#operator-role", "管理员")
	b.Shot("console-dashboard")

	// Find an account by its phone: htmx swaps the results in; only the masked phone shows.
	b.Fill("#f-q", u.Phone)
	b.Click("form.search button")
	b.Expect("#results", u.ID)
	b.Expect("#results", u.Phone[:3]+"****"+u.Phone[7:])
	b.ExpectPath("/admin/accounts")
	b.Shot("console-find-account")
	b.Click("#results a")
	b.ExpectPath("/admin/accounts/" + u.ID)
	b.Expect("#account-status", "正常")
	b.Expect("#trail", "客服搜索账户") // admin.account.search, in words (issue 18)
	b.Shot("console-account")

	b.Click(".console-nav a[href='/admin/maintenance']")
	b.Click("#f-on")
	b.Fill("#f-notice", "系统升级")
	b.Fill("#f-minutes", "30")
	b.Shot("console-maintenance-form")
	b.Click("form.form button[type=submit]")
	b.Expect("#saved", "已保存")
	b.Expect("#maintenance-state", "系统升级")
	b.Shot("console-maintenance-on")

	b.Open("/signin")
	b.Expect("#problem-h", "系统维护中")
	b.Expect(".problem-msg", "系统升级")
	b.Expect(".problem", "预计恢复时间")
	b.Shot("maintenance-page")

	b.Open("/admin/maintenance")
	b.Click("#f-on")
	b.Click("form.form button[type=submit]")
	b.Expect("#maintenance-state", "已关闭")
	b.Open("/signin")
	b.Expect("h1", "登录")
}
