package closure

import (
	"crypto/subtle"

	"github.com/purse-wallet/purse"
)

// Env is what the request tells about the client's environment (AP-2).
type Env struct {
	// DeviceCertificate is the X-Device-Certificate header: the fingerprint of the digital
	// certificate installed on this device.
	DeviceCertificate string
	// Reason is why the user leaves, if they chose to say at the start (IM-1); empty otherwise.
	// Start records it and nothing else reads it: it is never a condition.
	Reason purse.ClosureReason
	// SessionID is the session starting the closure: its device is a risk signal (TP-5), and the
	// device certificate the holder installed on it passes the environment check (AP-2).
	SessionID string
	// DeviceCertified is set by the service, never by a caller: the session's device holds the
	// account's certificate (read from the store by withDevice).
	DeviceCertified bool
}

// Remedies name what clears each blocker: the API route and the page that does it.
var Remedies = map[purse.Code]purse.Remedy{
	purse.CodeEnvCertificateMissing:  {Action: "install_certificate", API: "POST /api/v1/security/certificate", Page: "/security/certificate"},
	purse.CodeAccountNotActivated:    {Action: "contact_support", API: "", Page: "/account/activate"},
	purse.CodeBalanceNotZero:         {Action: "withdraw", API: "POST /api/v1/withdrawals", Page: "/wallet/withdraw"},
	purse.CodePointsNotZero:          {Action: "spend_points", API: "POST /api/v1/points/spend", Page: "/wallet/points"},
	purse.CodeFundNotZero:            {Action: "redeem", API: "POST /api/v1/fund/redemptions", Page: "/wallet/fund"},
	purse.CodeTransactionInProgress:  {Action: "wait", API: "GET /api/v1/transactions", Page: "/wallet/transactions"},
	purse.CodeAutoDebitActive:        {Action: "cancel_agreement", API: "DELETE /api/v1/auto-debits/{id}", Page: "/services/auto-debits"},
	purse.CodeCreditLineOpen:         {Action: "repay", API: "POST /api/v1/credit/repayments", Page: "/services/credit"},
	purse.CodeAgreementNotMet:        {Action: "contact_support", API: "", Page: "/help"},
	purse.CodeBusinessInProgress:     {Action: "finish_business", API: "GET /api/v1/business", Page: "/account/business"},
	purse.CodeAccountDisputed:        {Action: "resolve_dispute", API: "GET /api/v1/disputes", Page: "/help/disputes"},
	purse.CodeMerchantContractActive: {Action: "request_contract_termination", API: "POST /api/v1/contracts/{id}/termination-request", Page: "/services/contracts"},
	purse.CodeStoredBalanceNotZero:   {Action: "spend_stored", API: "POST /api/v1/stored/spend", Page: "/wallet/stored"},
	purse.CodeQuickPayBound:          {Action: "unbind", API: "DELETE /api/v1/cards/{id}", Page: "/wallet/cards"},
	purse.CodeOneClickPayOn:          {Action: "switch_off", API: "PUT /api/v1/settings/one-click-pay", Page: "/settings/payments"},
	purse.CodeLinkedAccountBound:     {Action: "unlink", API: "DELETE /api/v1/linked-accounts/{id}", Page: "/settings/linked-accounts"},
	purse.CodeCouponsUnused:          {Action: "use_coupons", API: "GET /api/v1/coupons", Page: "/wallet/coupons"},
	purse.CodeLeftoverToSweep:        {Action: "none", API: "POST /api/v1/withdrawals", Page: "/wallet/withdraw"},
}

func blocker(code purse.Code) purse.Blocker {
	return purse.Blocker{Code: code, Remedy: Remedies[code],
		Warning: code == purse.CodeCouponsUnused || code == purse.CodeLeftoverToSweep}
}

// EnvironmentBlockers is the security-environment check run when a flow starts (AP-2).
func EnvironmentBlockers(p *Policy, a *purse.AccountRecord, env Env) []purse.Blocker {
	if !p.Has(CheckEnvironment) {
		return nil
	}
	var out []purse.Blocker
	if a.CertificateRequired && !env.DeviceCertified && (env.DeviceCertificate == "" ||
		subtle.ConstantTimeCompare([]byte(env.DeviceCertificate), []byte(a.CertificateID)) != 1) {
		out = append(out, blocker(purse.CodeEnvCertificateMissing))
	}
	if !a.Activated {
		out = append(out, blocker(purse.CodeAccountNotActivated))
	}
	return out
}

// Check turns facts into every blocker at once (AP-3): nothing short-circuits, so the user can
// clear them all in one visit. Warnings (unused coupons) come back with Warning set.
func Check(p *Policy, f *purse.EligibilityFacts, env Env) []purse.Blocker {
	out := EnvironmentBlockers(p, f.Account, env)
	main := int64(0)
	for _, b := range f.Books {
		if b.Book == purse.BookMain {
			main += b.Amount
		}
	}
	// A positive leftover up to the policy's threshold is swept at closure instead of blocking.
	leftover := main > 0 && main <= p.SweepThreshold
	amount := map[purse.Book]int64{}
	for _, b := range f.Books {
		if b.Amount != 0 {
			amount[b.Book] += abs(b.Amount)
		}
	}
	add := func(check string, cond bool, code purse.Code) {
		if cond && p.Has(check) {
			out = append(out, blocker(code))
		}
	}
	add(CheckBalance, amount[purse.BookMain] != 0 && !leftover, purse.CodeBalanceNotZero)                           // AP-8.1
	add(CheckBalance, leftover, purse.CodeLeftoverToSweep)                                                          // DESIGN §2: a warning
	add(CheckPoints, amount[purse.BookPoints] != 0, purse.CodePointsNotZero)                                        // AP-8.1
	add(CheckFund, amount[purse.BookFund] != 0, purse.CodeFundNotZero)                                              // AP-8.2
	add(CheckTransaction, f.PendingTransactions+f.RecentWithdrawals > 0, purse.CodeTransactionInProgress)           // AP-8.3
	add(CheckAutoDebits, f.ActiveAutoDebits > 0, purse.CodeAutoDebitActive)                                         // AP-8.4
	add(CheckCredit, f.OpenCreditLine || amount[purse.BookCredit] != 0, purse.CodeCreditLineOpen)                   // AP-8.5, GE-5
	add(CheckAgreements, f.ActiveFlags > 0, purse.CodeAgreementNotMet)                                              // AP-8.6
	add(CheckBusiness, f.PendingBusiness > 0, purse.CodeBusinessInProgress)                                         // AP-8.7
	add(CheckDisputes, f.OpenDisputes > 0 || f.Account.Status == purse.StatusRestricted, purse.CodeAccountDisputed) // AP-8.8
	add(CheckContracts, f.ActiveContracts > 0, purse.CodeMerchantContractActive)                                    // AP-8.9
	add(CheckStored, amount[purse.BookStored] != 0, purse.CodeStoredBalanceNotZero)                                 // AP-8.10
	add(CheckQuickPay, f.BoundCards > 0 && !p.Cascade, purse.CodeQuickPayBound)                                     // TP-1
	add(CheckOneClickPay, f.Account.OneClickPay, purse.CodeOneClickPayOn)                                           // TP-1
	add(CheckLinked, f.LinkedAccounts > 0 && !p.Cascade, purse.CodeLinkedAccountBound)                              // IM-3
	add(CheckCoupons, f.UnusedCoupons > 0, purse.CodeCouponsUnused)                                                 // a warning
	return out
}

// Blocking returns the blockers that are not warnings.
func Blocking(bs []purse.Blocker) []purse.Blocker {
	var out []purse.Blocker
	for _, b := range bs {
		if !b.Warning {
			out = append(out, b)
		}
	}
	return out
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
