package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/business"
)

// certificateData is the device-certificate page (AP-2): whether this device needs the
// certificate, the pending install's flow and the phone its code went to.
type certificateData struct {
	Needed    bool   // the account is a certificate user and this device holds no certificate
	Installed bool   // the install just succeeded
	Flow      string // the pending install, once a code was sent
	Phone     string // the bound phone, masked
	Closure   string // the request to go back to
	Minutes   int    // how long a code lives
}

// certificateField is where an install error shows: the payment password's next to it, the
// code's next to the code (GE-1: each says what to do, and the code's offers a new one).
var certificateField = map[purse.Code]string{
	account.CodePaymentPasswordWrong:  "payment_password",
	account.CodePaymentPasswordLocked: "payment_password",
	purse.CodeOTPInvalid:              "code",
	purse.CodeOTPExpired:              "code",
}

func (h *Handler) registerCertificateInstall() {
	h.mux.HandleFunc("GET /security/certificate", h.certificatePage)
	h.mux.HandleFunc("POST /security/certificate/code", h.certificateCode)
	h.mux.HandleFunc("POST /security/certificate/resend", h.certificateResend)
	h.mux.HandleFunc("POST /security/certificate", h.certificateInstall)
}

// certificateView reads what the page shows: the environment check of this browser's session, as
// the closure runs it, says whether the certificate is still missing here.
func (h *Handler) certificateView(r *http.Request, a *purse.Account) (*view, error) {
	bs, err := h.Closures.Environment(r.Context(), a.ID, env(r))
	if err != nil {
		return nil, err
	}
	v := h.newView(r, "wr_certificate_title")
	d := &certificateData{Closure: backTo(r), Minutes: int(business.CodeLifetime / time.Minute), Phone: account.MaskPhone(a.Phone), Installed: r.URL.Query().Get("installed") == "1",
		Needed: slices.ContainsFunc(bs, func(b purse.Blocker) bool { return b.Code == purse.CodeEnvCertificateMissing })}
	if f := r.FormValue("flow"); purse.ValidID(f) && d.Needed {
		d.Flow = f
	}
	v.Data = d
	return v, nil
}

// certificatePage shows the step the install is at: send a code to the bound phone, enter it
// with the payment password, or done.
func (h *Handler) certificatePage(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v, err := h.certificateView(r, a)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "certificate", v)
}

// certificatePost checks the user and the form's CSRF token, answering itself when either fails.
func (h *Handler) certificatePost(w http.ResponseWriter, r *http.Request) (*purse.Account, *view, bool) {
	a, ok := requireUser(w, r)
	if !ok {
		return nil, nil, false
	}
	v, err := h.certificateView(r, a)
	if err != nil {
		h.serveError(w, r, err)
		return nil, nil, false
	}
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "certificate", v)
		return nil, nil, false
	}
	return a, v, true
}

// certificateFailed shows err next to its field, or above the form.
func (h *Handler) certificateFailed(w http.ResponseWriter, r *http.Request, v *view, err error) {
	msg := h.message(r, err)
	if f, ok := certificateField[purse.ErrorCode(err)]; ok {
		v.Fields = map[string]string{f: msg}
	} else {
		v.Error = msg
	}
	h.render(w, r, statusOf(err), "certificate", v)
}

// certificateAt is the page's address with the flow and the way back to the closure.
func certificateAt(flow, closure string, extra ...string) string {
	q := url.Values{}
	if flow != "" {
		q.Set("flow", flow)
	}
	if closure != "" {
		q.Set("closure", closure)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	if len(q) == 0 {
		return "/security/certificate"
	}
	return "/security/certificate?" + q.Encode()
}

// certificateCode sends the code to the bound phone.
func (h *Handler) certificateCode(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.certificatePost(w, r)
	if !ok {
		return
	}
	f, err := h.Business.StartCertificateInstall(r.Context(), a.ID)
	if err != nil {
		h.certificateFailed(w, r, v, err)
		return
	}
	seeOther(w, r, certificateAt(f.ID, backTo(r)))
}

// certificateResend sends a fresh code (GE-1: an expired or exhausted code is replaced, not a dead end).
func (h *Handler) certificateResend(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.certificatePost(w, r)
	if !ok {
		return
	}
	id := r.PostFormValue("flow")
	_, err := h.Business.Resend(r.Context(), a.ID, id)
	if purse.ErrorCode(err) == business.CodeOTPExpired { // the flow itself ended: start a new one
		var f *purse.BusinessFlow
		if f, err = h.Business.StartCertificateInstall(r.Context(), a.ID); err == nil {
			id = f.ID
		}
	}
	if err != nil {
		h.certificateFailed(w, r, v, err)
		return
	}
	seeOther(w, r, certificateAt(id, backTo(r), "sent", "1"))
}

// certificateInstall installs the certificate on this browser's device with the code and the
// payment password.
func (h *Handler) certificateInstall(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.certificatePost(w, r)
	if !ok {
		return
	}
	in, err := h.Business.ConfirmCertificateInstall(r.Context(), a.ID, business.CertificateInstall{
		FlowID: r.PostFormValue("flow"), Code: r.PostFormValue("code"), PaymentPassword: r.PostFormValue("payment_password"),
		SessionID: whoOf(r).session.ID, DeviceLabel: browserLabel(r)})
	if err != nil {
		h.certificateFailed(w, r, v, err)
		return
	}
	if in.DeviceToken != "" { // this browser is remembered from now on, as after a sign-in with "remember"
		setCookie(w, r, deviceCookie, "/", in.DeviceToken, deviceTTL)
	}
	seeOther(w, r, certificateAt("", backTo(r), "installed", "1"))
}
