package web_test

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"html"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	qrcode "github.com/piglig/go-qr"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/secret"
)

var (
	totpSecretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	totpQRRe     = regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)" id="totp-qr"`)
	recoveryRe   = regexp.MustCompile(`<li>([a-z2-7]{4}-[a-z2-7]{4})</li>`)
	deviceIDRe   = regexp.MustCompile(`name="device" value="([0-9a-f-]+)"`)
)

// webTOTP is the authenticator app's code for sec at the test clock's time.
func webTOTP(t *testing.T, e *apitest.Env, sec string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(sec)
	if err != nil {
		t.Fatal(err)
	}
	return secret.HOTP(key, uint64(secret.TOTPStepAt(e.Clock.Now())), 6)
}

// TestSecurityPageTwoStep (GE-7, issue 14): the security page sets up the authenticator app (the
// secret shown, its otpauth:// URL as a QR code that decodes to it, confirmed by a first code),
// shows the ten recovery codes once, lists the remembered devices with this browser marked and
// forgets one (its session ends), switches SMS codes on a new device, and turns the app off only
// with the password and a code. The same services as the API: a sign-in on a new browser is then
// asked for the second step.
func TestSecurityPageTwoStep(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		phone := c.registerUser("王小明")
		c.get("/settings/security").expect(t, 200, "两步验证", "身份验证器", `id="totp-begin"`, "新设备短信验证", "已记住的设备")

		p := c.post("/settings/security", "/settings/security/totp", nil).expect(t, 200, "用身份验证器扫描", `id="totp-qr"`)
		m := totpSecretRe.FindStringSubmatch(p.Body)
		q := totpQRRe.FindStringSubmatch(p.Body)
		if m == nil || q == nil {
			t.Fatalf("no secret or QR code on the setup:\n%s", p.Body)
		}
		sec := m[1]
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(q[1]))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		otpauth, err := qrcode.Decode(img)
		if err != nil {
			t.Fatalf("the QR code does not decode: %v", err)
		}
		u, err := url.Parse(otpauth)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != sec {
			t.Fatalf("QR code says %q, want the otpauth URL of %s", otpauth, sec)
		}
		// The setup stays on the page until confirmed; a wrong code shows next to the field.
		c.get("/settings/security").expect(t, 200, sec)
		wrong := "000000"
		if webTOTP(t, e, sec) == wrong {
			wrong = "000001"
		}
		c.post("/settings/security", "/settings/security/totp/confirm", url.Values{"totp_code": {wrong}}).
			expect(t, 422, `id="e-totp_code"`, sec)
		p = c.post("/settings/security", "/settings/security/totp/confirm", url.Values{"totp_code": {webTOTP(t, e, sec)}}).
			expect(t, 200, "身份验证器已开启", `id="recovery-codes"`)
		codes := recoveryRe.FindAllStringSubmatch(p.Body, -1)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes shown:\n%s", len(codes), p.Body)
		}
		// Shown once: the page does not show them again, nor the secret.
		again := c.get("/settings/security").expect(t, 200, "剩余 10 个恢复码", `id="form-totp-off"`)
		if strings.Contains(again.Body, codes[0][1]) || strings.Contains(again.Body, sec) {
			t.Fatal("the recovery codes or the secret are shown again")
		}

		// A new browser is asked for the second step; a recovery code opens it once.
		c2 := newClient(t, e)
		c2.lang = "en"
		p = c2.post("/signin", "/signin", url.Values{"login": {phone}, "password": {"correct horse"}}).
			expect(t, 200, "Two-step verification", `value="totp"`, `value="recovery_code"`)
		ch := challengeRe.FindStringSubmatch(p.Body)
		if ch == nil {
			t.Fatal("no challenge")
		}
		c2.post("/signin", "/signin/two-step", url.Values{"challenge": {ch[1]}, "methods": {"totp,recovery_code"},
			"method": {"recovery_code"}, "code": {codes[1][1]}}).expect(t, 200, phone[7:])
		c2.get("/settings/security").expect(t, 200, "This browser", "Forget web")

		// Devices: listed on the first browser, which never passed two-step (not marked), and
		// forgotten there: the second browser's session ends.
		p = c.get("/settings/security").expect(t, 200, "剩余 9 个恢复码")
		if strings.Contains(p.Body, "当前浏览器") {
			t.Fatal("a browser that is not remembered is marked as this one")
		}
		d := deviceIDRe.FindStringSubmatch(p.Body)
		if d == nil {
			t.Fatalf("no device listed:\n%s", p.Body)
		}
		c.post("/settings/security", "/settings/security/devices/revoke", url.Values{"device": {d[1]}}).
			expect(t, 200, "该设备已移除并退出登录", "暂无已记住的设备")
		if p := c2.get("/settings/security"); strings.Contains(p.Body, `id="form-totp-off"`) {
			t.Fatal("the forgotten device's session still opens the security page")
		}

		// SMS codes on a new device.
		c.post("/settings/security", "/settings/security/sms-new-device", url.Values{"enabled": {"on"}}).
			expect(t, 200, "此后新设备登录需输入短信验证码", `id="sms-off"`)

		// Off: the password and a code, both; a wrong one shows next to its field.
		e.Clock.Advance(30 * time.Second) // the confirmation's code is spent
		c.post("/settings/security", "/settings/security/totp/disable", url.Values{"totp_password": {"wrong horse"},
			"totp_code": {webTOTP(t, e, sec)}}).expect(t, 422, `id="e-totp_password"`)
		c.post("/settings/security", "/settings/security/totp/disable", url.Values{"totp_password": {"correct horse"},
			"totp_code": {"aaaa-aaaa"}}).expect(t, 422, `id="e-totp_code"`)
		c.post("/settings/security", "/settings/security/totp/disable", url.Values{"totp_password": {"correct horse"},
			"totp_code": {webTOTP(t, e, sec)}}).expect(t, 200, "身份验证器已关闭", `id="totp-begin"`)
	})
}
