package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/wallet"
)

// securityData is the security settings page: which form just succeeded, and how many other
// sessions the last "sign out other devices" ended.
type securityData struct {
	Done    string // password, pay, others, small_on, small_off, totp_on, totp_off, sms_on, sms_off or device
	Revoked int
	TwoStep *twoStepData
	Small   *wallet.SmallPayments // password-free small payments; nil while the ledger is not wired in
	// SmallMax and SmallDaily are the operator's caps as the pages write money (¥1,000.00).
	SmallMax, SmallDaily string
	// Releases are the releases of the bound number asked by whoever now receives its SMS (AP-9):
	// the holder may object to each until its due time.
	Releases []*purse.PhoneRelease
}

// securityField is the field of the security forms an error shows next to; the lock of each
// password shows next to the current one, which is what the user must wait to type again.
var securityField = map[purse.Code]string{
	account.CodePasswordWrong:         "current_password",
	purse.CodeLoginLocked:             "current_password",
	purse.CodePasswordTooShort:        "new_password",
	account.CodePaymentPasswordWrong:  "current_payment_password",
	account.CodePaymentPasswordLocked: "current_payment_password",
	purse.CodePaymentPasswordWeak:     "new_payment_password",
	purse.CodePaymentPasswordNeeded:   "small_payment_password",
}

func (h *Handler) registerSecurity() {
	h.mux.HandleFunc("GET /settings/security", h.security)
	h.mux.HandleFunc("POST /settings/security/password", h.changePassword)
	h.mux.HandleFunc("POST /settings/security/payment-password", h.changePaymentPassword)
	h.mux.HandleFunc("POST /settings/security/others", h.signOutOthers)
	h.mux.HandleFunc("POST /settings/security/small-payments", h.switchSmallPayments)
	h.registerSecurityTwoStep()
}

// security shows the forms to change both passwords and sign out other devices, with the advice of
// PW-6 and GE-7.
func (h *Handler) security(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_security_title")
	d := &securityData{}
	switch done := r.URL.Query().Get("done"); done {
	case "password", "pay", "small_on", "small_off", "totp_off", "sms_on", "sms_off", "device", "objected":
		d.Done = done
	}
	if err := h.withSmallPayments(r, a, d); err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.withTwoStep(r, a, d); err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.withReleases(r, a, d); err != nil {
		h.serveError(w, r, err)
		return
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "security", v)
}

// securityPost checks the user and the CSRF token of a security form, answering itself when either
// fails; it returns the page's view for showing errors.
func (h *Handler) securityPost(w http.ResponseWriter, r *http.Request) (*purse.Account, *view, bool) {
	a, ok := requireUser(w, r)
	if !ok {
		return nil, nil, false
	}
	v := h.newView(r, "web_security_title")
	d := &securityData{}
	if err := h.withSmallPayments(r, a, d); err != nil {
		h.serveError(w, r, err)
		return nil, nil, false
	}
	if err := h.withTwoStep(r, a, d); err != nil {
		h.serveError(w, r, err)
		return nil, nil, false
	}
	if err := h.withReleases(r, a, d); err != nil {
		h.serveError(w, r, err)
		return nil, nil, false
	}
	v.Data = d
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "security", v)
		return nil, nil, false
	}
	return a, v, true
}

// securityFailed shows err next to its field, or above the forms when it has none.
func (h *Handler) securityFailed(w http.ResponseWriter, r *http.Request, v *view, err error) {
	msg := h.message(r, err)
	if f, ok := securityField[purse.ErrorCode(err)]; ok {
		v.Fields = map[string]string{f: msg}
	} else {
		v.Error = msg
	}
	h.render(w, r, statusOf(err), "security", v)
}

// changePassword changes the login password; every other device is signed out, this one stays.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("new_password") != r.PostFormValue("new_password2") {
		v.Fields = map[string]string{"new_password2": v.T("web_security_mismatch")}
		h.render(w, r, http.StatusUnprocessableEntity, "security", v)
		return
	}
	err := h.Accounts.ChangePassword(r.Context(), a.ID, whoOf(r).session.ID,
		r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=password")
}

// changePaymentPassword changes the 6-digit payment password.
func (h *Handler) changePaymentPassword(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	err := h.Accounts.ChangePaymentPassword(r.Context(), a.ID,
		r.PostFormValue("current_payment_password"), r.PostFormValue("new_payment_password"))
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	seeOther(w, r, "/settings/security?done=pay")
}

// signOutOthers ends every session of the account but this browser's (GE-7).
func (h *Handler) signOutOthers(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	n, err := h.Accounts.SignOutOthers(r.Context(), a.ID, whoOf(r).session.ID)
	if err != nil {
		h.securityFailed(w, r, v, err)
		return
	}
	// The count is shown on the answer itself rather than after a redirect: carried in the URL, it
	// was whatever a crafted link said ("999 other sessions were signed out"). Posting again signs
	// out nothing more and says so.
	d := v.Data.(*securityData)
	d.Done, d.Revoked = "others", n
	h.render(w, r, http.StatusOK, "security", v)
}

// withSmallPayments puts the account's password-free small payments on the page, when the ledger
// is wired in.
func (h *Handler) withSmallPayments(r *http.Request, a *purse.Account, d *securityData) error {
	if h.Wallet == nil {
		return nil
	}
	sp, err := h.Wallet.SmallPayments(r.Context(), a.ID)
	if err != nil {
		return err
	}
	d.Small, d.SmallMax, d.SmallDaily = sp, yuan(sp.PerPayment.Amount), yuan(sp.Daily.Amount)
	return nil
}

// switchSmallPayments switches password-free small payments (小额免密, issue 13) on with the
// payment password, or off.
func (h *Handler) switchSmallPayments(w http.ResponseWriter, r *http.Request) {
	a, v, ok := h.securityPost(w, r)
	if !ok {
		return
	}
	if h.Wallet == nil {
		h.notFound(w, r)
		return
	}
	on := r.PostFormValue("enabled") == "on"
	pin := r.PostFormValue("small_payment_password")
	if len(pin) > 32 {
		pin = pin[:32]
	}
	if _, err := h.Wallet.SwitchSmallPayments(r.Context(), a.ID, on, pin); err != nil {
		switch purse.ErrorCode(err) {
		case account.CodePaymentPasswordWrong, account.CodePaymentPasswordLocked:
			// This form's payment password, not the change form's current one.
			v.Fields = map[string]string{"small_payment_password": h.message(r, err)}
			h.render(w, r, statusOf(err), "security", v)
		default:
			h.securityFailed(w, r, v, err)
		}
		return
	}
	done := "small_off"
	if on {
		done = "small_on"
	}
	seeOther(w, r, "/settings/security?done="+done)
}

// withReleases reads the releases of the account's number waiting for their due time (AP-9).
func (h *Handler) withReleases(r *http.Request, a *purse.Account, d *securityData) (err error) {
	d.Releases, err = h.Business.WaitingReleases(r.Context(), a.ID)
	return err
}
