package http

import (
	"net/http"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
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
	purse.CodePasswordTooShort:     http.StatusUnprocessableEntity,
	purse.CodePaymentPasswordWeak:  http.StatusUnprocessableEntity,
	purse.CodePhoneTaken:           http.StatusConflict,
	purse.CodeEmailTaken:           http.StatusConflict,
	purse.CodeLoginFailed:          http.StatusUnauthorized,
	purse.CodeLoginLocked:          http.StatusLocked,
	purse.CodeAccountClosed:        http.StatusForbidden,
	purse.CodeAccountNotActive:     http.StatusConflict,

	account.CodePaymentPasswordWrong:  http.StatusUnprocessableEntity,
	account.CodePaymentPasswordLocked: http.StatusLocked,

	purse.CodeOperatorUnauthenticated: http.StatusUnauthorized,
	purse.CodeRoleRequired:            http.StatusForbidden,
	purse.CodeUsernameTaken:           http.StatusConflict,

	blocker.CodeNotMerchant:      http.StatusConflict,
	blocker.CodeLinkExists:       http.StatusConflict,
	business.CodeOTPInvalid:      http.StatusUnprocessableEntity,
	business.CodeOTPExpired:      http.StatusUnprocessableEntity,
	business.CodeOTPRateLimited:  http.StatusTooManyRequests,
	business.CodeWrongFlow:       http.StatusConflict,
	purse.CodeLegalHoldUnchanged: http.StatusConflict,
	purse.CodeExportRange:        http.StatusUnprocessableEntity,
}

func statusFor(c purse.Code) int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusUnprocessableEntity
}
