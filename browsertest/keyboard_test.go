package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp/kb"
	"github.com/purse-wallet/purse/apitest"
)

// TestKeyboardOnly signs in without a mouse: the skip link comes first, the form's fields are
// reached with Tab, and Enter sends the form.
func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	b := New(t, e)
	b.Open("/signin")
	b.Keys(kb.Tab)
	if f := b.Focused(); f != "skip" {
		t.Fatalf("first Tab focuses %q, want the skip link", f)
	}
	b.Shot("skip-link-focused")
	b.Keys(kb.Enter)
	for i := 0; i < 10 && b.Focused() != "f-login"; i++ {
		b.Keys(kb.Tab)
	}
	if f := b.Focused(); f != "f-login" {
		t.Fatalf("Tab never reached the login field (at %q)", f)
	}
	b.Keys(u.Phone)
	b.Keys(kb.Tab)
	if f := b.Focused(); f != "f-password" {
		t.Fatalf("Tab after the login focuses %q", f)
	}
	b.Keys(u.Password)
	b.Shot("signin-by-keyboard")
	b.Keys(kb.Enter)
	b.ExpectPath("/")
	b.Expect("#profile-h", "账户信息")
}

// TestErrorPages shows each GE-1 case as a page a user can act on.
//
// Steps: GE-1
func TestErrorPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	if err := e.App.HTTP.SetMinClientVersion(t.Context(), "3.2.0"); err != nil {
		t.Fatal(err)
	}
	b := New(t, e)
	b.Open("/problems/app-version-outdated")
	b.Expect("#problem-h", "请更新应用")
	b.Expect(".problem", "3.2.0")
	b.Shot("app-outdated")
	b.Open("/problems/unavailable")
	b.Expect("#problem-h", "服务暂时不可用")
	b.Shot("unavailable")
	b.Open("/no/such/page")
	b.Expect("#problem-h", "页面不存在")
	b.Shot("not-found")
	b.Click(".problem a[href='/']")
	b.ExpectPath("/signin")
}
