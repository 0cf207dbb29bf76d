package browsertest

import (
	"encoding/base32"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/secret"
)

// totpCode is what an authenticator app shows for sec at the server's clock.
func totpCode(b *Browser, sec string) string {
	b.T.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(sec)
	if err != nil {
		b.T.Fatal(err)
	}
	return secret.HOTP(key, uint64(secret.TOTPStepAt(b.Env.Clock.Now())), 6)
}

// axeHere checks the page as it stands with axe-core when PURSE_AXE names it (CI does).
func axeHere(b *Browser, what string) {
	b.T.Helper()
	if os.Getenv("PURSE_AXE") == "" {
		return
	}
	for _, v := range b.axe(axeSource(b.T)) {
		b.T.Errorf("%s (%s): %s [%s] %s", what, b.lang(), v.Help, v.ID, strings.Join(v.Nodes, "; "))
	}
}

// signInTwoStep signs in through the form on a browser the account does not know, and lands on
// the second step.
func signInTwoStep(b *Browser, phone string) {
	b.T.Helper()
	b.Open("/signin")
	b.Fill("#f-login", phone)
	b.Fill("#f-password", "correct horse")
	b.Click("form.form button[type=submit]")
	b.Expect("#twostep-h", "两步验证")
}

// TestTwoStepAuthenticator (GE-7, issue 14): on the security page a holder sets up an
// authenticator app (the QR code is drawn under the page's Content-Security-Policy), confirms it
// with a code computed as the app would, and is shown ten recovery codes; signed out, a fresh
// browser profile (a new device) is asked for the code after the right password and gets in with
// it; another new device gets in with a recovery code, and a third is refused the same code.
func TestTwoStepAuthenticator(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	b := New(t, e)
	phone := apitest.NextPhone()
	register(b, phone, "李雷")

	b.Open("/settings/security")
	b.Expect("#twostep-h", "两步验证")
	axeHere(b, "security page, two-step off")
	b.Click("#totp-begin")
	b.ExpectPath("/settings/security")
	sec := b.Text("#totp-secret")
	if !value(b, "QR code drawn", chromedp.Evaluate[bool](`document.querySelector("#totp-qr").naturalWidth > 100`)) {
		b.Shot("no-qr")
		t.Fatal("the QR code image did not load")
	}
	b.Shot("totp-setup")
	axeHere(b, "security page, authenticator set-up")
	b.Fill("#f-totp_code", totpCode(b, sec))
	b.Click("#totp-confirm")
	b.Expect("#done", "身份验证器已开启")
	codes := value(b, "recovery codes", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#recovery-codes li")].map(li => li.textContent)`))
	if len(codes) != 10 {
		t.Fatalf("recovery codes: %v", codes)
	}
	b.Shot("recovery-codes")
	axeHere(b, "security page, recovery codes")
	b.Open("/settings")
	b.Click("form[action='/signout'] button")
	b.ExpectPath("/signin")

	// A new device: the password alone does not open the wallet; the app's code does. The
	// confirmation's code is spent, so the app's next one is used.
	e.Clock.Advance(30 * time.Second)
	b2 := New(t, e)
	signInTwoStep(b2, phone)
	b2.Shot("two-step")
	axeHere(b2, "sign-in second step")
	b2.Fill("#f-code", totpCode(b2, sec))
	b2.Click("#twostep-submit")
	b2.ExpectPath("/")
	b2.Open("/settings/security")
	b2.Expect("#devices", "当前浏览器")
	axeHere(b2, "security page, authenticator on")

	// A recovery code opens a new device once.
	b3 := New(t, e)
	signInTwoStep(b3, phone)
	b3.Click("input[name=method][value=recovery_code]")
	b3.Fill("#f-code", codes[4])
	b3.Click("#twostep-submit")
	b3.ExpectPath("/")

	b4 := New(t, e)
	signInTwoStep(b4, phone)
	b4.Click("input[name=method][value=recovery_code]")
	b4.Fill("#f-code", codes[4])
	b4.Click("#twostep-submit")
	b4.Expect("#twostep-h", "两步验证")
	b4.Expect(".alert", "验证码")
	b4.Shot("recovery-code-spent")
}
