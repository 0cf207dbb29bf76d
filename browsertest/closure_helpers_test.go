package browsertest

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse/apitest"
)

// signIn signs an account in through the form.
func signIn(b *Browser, u *apitest.User) {
	b.T.Helper()
	b.Open("/signin")
	b.Fill("#f-login", u.Phone)
	b.Fill("#f-password", u.Password)
	b.Click("form.form button[type=submit]")
	b.ExpectPath("/")
}

// agree goes from settings to the closure agreement (TP-2) and ticks it (TP-3), returning the
// request's id.
func agree(b *Browser) string {
	b.T.Helper()
	toAgreement(b)
	return accept(b)
}

// toAgreement goes from settings through the customer service centre to the closure agreement
// (TP-2).
func toAgreement(b *Browser) {
	b.T.Helper()
	b.Click(".tabs a[href='/settings']")
	b.Click("#to-service")
	b.Click("#close-account")
	b.ExpectPath("/closure?from=settings")
	b.Shot("agreement")
}

// accept ticks the agreement and sends it (TP-3), returning the id of the request it starts.
func accept(b *Browser) string {
	b.T.Helper()
	b.Click("#f-accept")
	b.Click("form[action='/closure'] button[type=submit]")
	p := b.Path()
	if !strings.HasPrefix(p, "/closure/") {
		b.Shot("unexpected")
		b.T.Fatalf("after the agreement: on %s", p)
	}
	return strings.TrimPrefix(p, "/closure/")
}

// giveUpRights ticks the rights page (AP-4) and goes on to the identity check.
func giveUpRights(b *Browser) {
	b.T.Helper()
	b.Click("#f-confirm")
	b.Click("#rights-next")
}

// setHidden sets a hidden field's value, as a page's own script or an earlier copy of the form
// would have it.
func setHidden(b *Browser, sel, v string) {
	b.T.Helper()
	value(b, "set "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).value = %q, true`, sel, v)))
}
