package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"net/http"

	qrcode "github.com/piglig/go-qr"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/secret"
)

// twoStepData is the security page's two-step part (GE-7, issue 14): the settings, the
// authenticator secret being set up with its QR code, the recovery codes just made (shown once,
// on the answer itself, never carried in a URL or stored readable), and the remembered devices.
type twoStepData struct {
	Status  *account.TwoStepStatus
	Setup   *account.TOTPSetup
	QR      template.URL // data:image/png of Setup.URL, for the app to scan
	QRSide  int          // its side in pixels
	Codes   []string
	Devices []deviceRow
}

// deviceRow is a remembered device, marked when it is the browser reading the page.
type deviceRow struct {
	*purse.Device
	This bool
}

func (h *Handler) registerSecurityTwoStep() {
	h.mux.HandleFunc("POST /settings/security/totp", h.beginTOTP)
	h.mux.HandleFunc("POST /settings/security/totp/confirm", h.confirmTOTP)
	h.mux.HandleFunc("POST /settings/security/totp/disable", h.disableTOTP)
	h.mux.HandleFunc("POST /settings/security/sms-new-device", h.switchSMSNewDevice)
	h.mux.HandleFunc("POST /settings/security/devices/revoke", h.revokeDevice)
}

// withTwoStep puts the account's two-step settings, a pending authenticator setup and the
// remembered devices on the page.
func (h *Handler) withTwoStep(r *http.Request, a *purse.Account, d *securityData) error {
	ctx := r.Context()
	st, err := h.Accounts.TwoStep(ctx, a.ID)
	if err != nil {
		return err
	}
	ts := &twoStepData{Status: st}
	if !st.TOTP {
		setup, err := h.Accounts.PendingTOTP(ctx, a.ID)
		if err != nil {
			return err
		}
		if err := ts.setUp(setup); err != nil {
			return err
		}
	}
	devs, err := h.Accounts.Devices(ctx, a.ID)
	if err != nil {
		return err
	}
	var this string
	if c, err := r.Cookie(deviceCookie); err == nil && c.Value != "" {
		this = secret.HashToken(c.Value)
	}
	for _, dv := range devs {
		ts.Devices = append(ts.Devices, deviceRow{Device: dv, This: this != "" && dv.TokenHash == this})
	}
	d.TwoStep = ts
	return nil
}

// setUp shows an authenticator secret with its otpauth:// URL drawn as a QR code, a PNG inlined
// as a data: URL (the page's Content-Security-Policy allows images from data: and nothing else
// outside purse's origin, so no third-party QR service sees the secret).
func (ts *twoStepData) setUp(setup *account.TOTPSetup) error {
	if setup == nil {
		return nil
	}
	code, err := qrcode.EncodeText(setup.URL, qrcode.Medium)
	if err != nil {
		return err
	}
	const scale, border = 5, 4
	var png bytes.Buffer
	if err := code.WriteAsPNG(qrcode.NewQrCodeImgConfig(scale, border), &png); err != nil {
		return err
	}
	ts.Setup, ts.QRSide = setup, (code.Size()+2*border)*scale
	// The URL is purse's own bytes, not the reader's: safe to mark as a URL for the template.
	ts.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png.Bytes()))
	return nil
}

// beginTOTP makes a new authenticator secret and shows it with its QR code and the form for the
// first code; it stays on the page until confirmed or replaced.
func (h *Handler) beginTOTP(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if _, err := h.Accounts.BeginTOTP(r.Context(), a.ID); err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security#twostep-h")
}

// confirmTOTP turns the app on with its first code and shows the recovery codes, once.
func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	codes, err := h.Accounts.ConfirmTOTP(r.Context(), a.ID, r.PostFormValue("totp_code"))
	if err != nil {
		h.twoStepFailed(w, r, v, err)
		return
	}
	d := v.Data.(*securityData)
	if err := h.withTwoStep(r, a, d); err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Done, d.TwoStep.Codes = "totp_on", codes
	h.render(w, r, http.StatusOK, "security", v)
}

// disableTOTP turns the app off with the login password and a code from it or a recovery code.
func (h *Handler) disableTOTP(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	pw := r.PostFormValue("totp_password")
	if len(pw) > 128 {
		pw = pw[:128]
	}
	if err := h.Accounts.DisableTOTP(r.Context(), a.ID, pw, r.PostFormValue("totp_code")); err != nil {
		h.twoStepFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=totp_off")
}

// switchSMSNewDevice turns SMS codes for sign-in on a new device on or off.
func (h *Handler) switchSMSNewDevice(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	on := r.PostFormValue("enabled") == "on"
	if err := h.Accounts.SetSMSNewDevice(r.Context(), a.ID, on); err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	done := "sms_off"
	if on {
		done = "sms_on"
	}
	seeOther(w, r, "/settings/security?done="+done)
}

// revokeDevice forgets a remembered device and signs it out; its next sign-in asks again.
func (h *Handler) revokeDevice(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if err := h.Accounts.RevokeDevice(r.Context(), a.ID, r.PostFormValue("device")); err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=device")
}

// twoStepFailed shows an error of the authenticator forms next to their own fields: the
// password of the off form is not the change form's current password.
func (h *Handler) twoStepFailed(w http.ResponseWriter, r *http.Request, v *view, err error) {
	field := map[purse.Code]string{
		account.CodePasswordWrong: "totp_password",
		purse.CodeLoginLocked:     "totp_password",
		purse.CodeOTPInvalid:      "totp_code",
	}[purse.ErrorCode(err)]
	if field == "" {
		h.securityFailed(w, r, v, err)
		return
	}
	v.Fields = map[string]string{field: h.message(r, err)}
	h.render(w, r, statusOf(err), "security", v)
}
