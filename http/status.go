package http

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/wallet"
)

// statusOf is the one place where error codes become HTTP statuses. A code missing here answers
// 422: the request was understood but the domain refused it. A test checks that every code in the
// message catalog is listed.
var statusOf = map[purse.Code]int{
	purse.CodeInternal:             http.StatusInternalServerError,
	purse.CodeMalformedJSON:        http.StatusBadRequest,
	purse.CodeInvalidRequest:       http.StatusUnprocessableEntity,
	purse.CodeBodyTooLarge:         http.StatusRequestEntityTooLarge,
	purse.CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	purse.CodeNotFound:             http.StatusNotFound,
	purse.CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	purse.CodeUnauthenticated:      http.StatusUnauthorized,
	purse.CodeForbidden:            http.StatusForbidden,
	purse.CodeAppVersionOutdated:   http.StatusUpgradeRequired,
	purse.CodeMaintenance:          http.StatusServiceUnavailable,
	purse.CodeIdempotencyKeyReused: http.StatusUnprocessableEntity,
	purse.CodeIdempotencyKeyBad:    http.StatusBadRequest,
	purse.CodeConflict:             http.StatusConflict,
	purse.CodeRateLimited:          http.StatusTooManyRequests,
	purse.CodeUnavailable:          http.StatusServiceUnavailable,
	purse.CodeInvalidPhone:         http.StatusUnprocessableEntity,
	purse.CodeInvalidEmail:         http.StatusUnprocessableEntity,
	purse.CodeTextControl:          http.StatusUnprocessableEntity,
	account.CodeTOTPNotPending:     http.StatusConflict,
	account.CodeTOTPAlreadyOn:      http.StatusConflict,
	account.CodeTOTPOff:            http.StatusConflict,
	purse.CodePasswordTooShort:     http.StatusUnprocessableEntity,
	purse.CodePaymentPasswordWeak:  http.StatusUnprocessableEntity,
	purse.CodePhoneTaken:           http.StatusConflict,
	purse.CodeEmailTaken:           http.StatusConflict,
	purse.CodeLoginFailed:          http.StatusUnauthorized,
	purse.CodeLoginLocked:          http.StatusLocked,
	purse.CodeAccountClosed:        http.StatusForbidden,
	purse.CodeAccountNotActive:     http.StatusConflict,
	purse.CodeAccountClosing:       http.StatusConflict,

	account.CodePaymentPasswordWrong:  http.StatusUnprocessableEntity,
	account.CodePaymentPasswordLocked: http.StatusLocked,
	account.CodePasswordWrong:         http.StatusUnprocessableEntity,

	purse.CodeOperatorUnauthenticated: http.StatusUnauthorized,
	purse.CodeRoleRequired:            http.StatusForbidden,
	purse.CodeUsernameTaken:           http.StatusConflict,

	blocker.CodeNotMerchant:                http.StatusConflict,
	blocker.CodeContractNotInTerm:          http.StatusConflict,
	blocker.CodeContractTerminationPending: http.StatusConflict,
	business.CodePhoneNotBound:             http.StatusConflict,
	business.CodeAppealPending:             http.StatusConflict,
	business.CodeAppealDecided:             http.StatusConflict,
	business.CodeCertificateNotRequired:    http.StatusConflict,
	business.CodeDeviceNotRemembered:       http.StatusConflict,
	blocker.CodeLinkExists:                 http.StatusConflict,
	business.CodeWrongFlow:                 http.StatusConflict,
	purse.CodeLegalHoldUnchanged:           http.StatusConflict,
	purse.CodeExportRange:                  http.StatusUnprocessableEntity,
	purse.CodeAmountInvalid:                http.StatusUnprocessableEntity,
	purse.CodeInsufficientFunds:            http.StatusConflict,
	purse.CodeAccountRestricted:            http.StatusForbidden,
	purse.CodeCardNumberInvalid:            http.StatusUnprocessableEntity,
	purse.CodePaymentPasswordNeeded:        http.StatusForbidden,
	wallet.CodeCardHolderMismatch:          http.StatusUnprocessableEntity,
	wallet.CodeSMSCodeRequired:             http.StatusForbidden,
	purse.CodeRecipientNotFound:            http.StatusNotFound,
	purse.CodeTransferToSelf:               http.StatusUnprocessableEntity,
	purse.CodeCreditLimitExceeded:          http.StatusConflict,
	purse.CodeCreditDebtOutstanding:        http.StatusConflict,
	purse.CodeCreditLineMissing:            http.StatusConflict,
	purse.CodeCreditLineExists:             http.StatusConflict,
	purse.CodeRepaymentExceedsDebt:         http.StatusConflict,
	purse.CodeTransactionNotPending:        http.StatusConflict,
	purse.CodeBalanceLimit:                 http.StatusConflict,
	purse.CodePointsUnit:                   http.StatusUnprocessableEntity,

	purse.CodeBankSignatureInvalid: http.StatusUnauthorized,
	purse.CodeBankAmountMismatch:   http.StatusConflict,

	// 409, not 5xx: clients retry a 5xx, and once the answer's day is over a retry under the same
	// key would run the request a second time. What the client must check is the request's effect.
	purse.CodeIdempotentAnswerUnreadable: http.StatusConflict,
}

func statusFor(c purse.Code) int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusUnprocessableEntity
}

// Closure codes (issue 4).
var _ = registerStatuses(map[purse.Code]int{
	purse.CodeClosureStateConflict:   http.StatusConflict,
	purse.CodeClosureInProgress:      http.StatusConflict,
	purse.CodeClosureBlocked:         http.StatusConflict,
	purse.CodeClosureReviewFailed:    http.StatusConflict,
	purse.CodeAgreementRequired:      http.StatusUnprocessableEntity,
	purse.CodeVerificationIncomplete: http.StatusConflict,
	purse.CodeFactorNotRequired:      http.StatusUnprocessableEntity,
	purse.CodeOTPInvalid:             http.StatusUnprocessableEntity,
	purse.CodeOTPExpired:             http.StatusUnprocessableEntity,
	purse.CodeOTPRateLimited:         http.StatusTooManyRequests,
	purse.CodeNoEmail:                http.StatusUnprocessableEntity,
	purse.CodeCaptchaInvalid:         http.StatusUnprocessableEntity,
	purse.CodeLinkInvalid:            http.StatusUnprocessableEntity,
	purse.CodeCertificateInvalid:     http.StatusUnprocessableEntity,

	purse.CodeEnvCertificateMissing:  http.StatusConflict,
	purse.CodeAccountNotActivated:    http.StatusConflict,
	purse.CodeBalanceNotZero:         http.StatusConflict,
	purse.CodePointsNotZero:          http.StatusConflict,
	purse.CodeFundNotZero:            http.StatusConflict,
	purse.CodeTransactionInProgress:  http.StatusConflict,
	purse.CodeAutoDebitActive:        http.StatusConflict,
	purse.CodeCreditLineOpen:         http.StatusConflict,
	purse.CodeAgreementNotMet:        http.StatusConflict,
	purse.CodeBusinessInProgress:     http.StatusConflict,
	purse.CodeAccountDisputed:        http.StatusConflict,
	purse.CodeMerchantContractActive: http.StatusConflict,
	purse.CodeStoredBalanceNotZero:   http.StatusConflict,
	purse.CodeQuickPayBound:          http.StatusConflict,
	purse.CodeOneClickPayOn:          http.StatusConflict,
	purse.CodeLinkedAccountBound:     http.StatusConflict,
	purse.CodeCouponsUnused:          http.StatusConflict,
	purse.CodeLeftoverToSweep:        http.StatusConflict,
})

// The four-eyes rule (issue 13). APPROVAL_PENDING is no failure: heldAnswer answers it as 202 with
// the approval; it is listed for the problem type page a client may look up.
var _ = registerStatuses(map[purse.Code]int{
	purse.CodeApprovalPending: http.StatusAccepted,
	purse.CodeApprovalSelf:    http.StatusForbidden,
	purse.CodeApprovalDecided: http.StatusConflict,
	purse.CodeApprovalExpired: http.StatusConflict,
	purse.CodeLastAdmin:       http.StatusConflict,
})

// registerStatuses adds a domain's codes to statusOf, so each domain's list lives in one block
// that merges without touching the others' lines.
func registerStatuses(m map[purse.Code]int) bool {
	for k, v := range m {
		statusOf[k] = v
	}
	return true
}
