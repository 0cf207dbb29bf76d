package purse

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Code is a stable, upper-case error code. Clients branch on it; its wording never changes once
// released. Messages for each code live in the i18n catalog, in every supported language.
type Code string

// Error codes of the foundation. Domain packages add theirs in the files next to their types.
const (
	CodeInternal             Code = "INTERNAL"
	CodeMalformedJSON        Code = "MALFORMED_JSON"
	CodeInvalidRequest       Code = "INVALID_REQUEST"
	CodeBodyTooLarge         Code = "BODY_TOO_LARGE"
	CodeUnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	CodeNotFound             Code = "NOT_FOUND"
	CodeMethodNotAllowed     Code = "METHOD_NOT_ALLOWED"
	CodeUnauthenticated      Code = "UNAUTHENTICATED"
	CodeForbidden            Code = "FORBIDDEN"
	CodeAppVersionOutdated   Code = "APP_VERSION_OUTDATED"
	CodeMaintenance          Code = "MAINTENANCE"
	CodeIdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	CodeIdempotencyKeyBad    Code = "IDEMPOTENCY_KEY_INVALID"
	CodeConflict             Code = "CONFLICT"
	CodeRateLimited          Code = "RATE_LIMITED"
	CodeUnavailable          Code = "UNAVAILABLE"

	CodeInvalidPhone        Code = "INVALID_PHONE"
	CodeInvalidEmail        Code = "INVALID_EMAIL"
	CodePasswordTooShort    Code = "PASSWORD_TOO_SHORT"
	CodePaymentPasswordWeak Code = "PAYMENT_PASSWORD_WEAK"
	CodePhoneTaken          Code = "PHONE_TAKEN"
	CodeEmailTaken          Code = "EMAIL_TAKEN"
	CodeLoginFailed         Code = "LOGIN_FAILED"
	CodeLoginLocked         Code = "LOGIN_LOCKED"
	CodeAccountClosed       Code = "ACCOUNT_CLOSED"
	CodeAccountNotActive    Code = "ACCOUNT_NOT_ACTIVE"
	// CodeAccountClosing: the account is in its cooling-off before closure; nothing new may start
	// on it until the holder keeps it.
	CodeAccountClosing Code = "ACCOUNT_CLOSING"

	// Money leaving the wallet and the bank gateway (issue 13).
	CodeBankSignatureInvalid Code = "BANK_SIGNATURE_INVALID" // a callback unsigned, badly signed or replayed
	CodeBankAmountMismatch   Code = "BANK_AMOUNT_MISMATCH"   // the bank names another amount than the movement's

	// CodeIdempotentAnswerUnreadable: the first answer to a request is stored sealed but does not
	// open (another master key, an altered or moved row). The request is not run again.
	CodeIdempotentAnswerUnreadable Code = "IDEMPOTENT_ANSWER_UNREADABLE"
)

// Error is the one error type that crosses layers. The HTTP layer turns it into RFC 9457
// problem+json: Code picks the status and the localized message, Params fill the message's
// placeholders, and the rest are extra members of the problem document.
type Error struct {
	Code   Code
	Params map[string]any // placeholders of the localized message, e.g. {"Until": t}
	// Detail is an English note for logs and developers; users see the localized message.
	Detail     string
	RetryAfter time.Duration // sent as Retry-After where non-zero
	Blockers   []Blocker     // closure blockers, each with its remedy
	Fields     []FieldError  // which request fields were wrong
	Err        error         // the cause, never shown to users
}

// FieldError names one request field that failed validation.
type FieldError struct {
	Field   string `json:"field"`
	Code    Code   `json:"code"`
	Message string `json:"message,omitempty"`
}

func (e *Error) Error() string {
	msg := string(e.Code)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and an English detail.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain; for any other error
// CodeUnavailable when a context ended under it (the caller went away, the server is stopping: the
// store puts the context's cause into the chain of a transaction it rolled back, see sqlstore),
// else CodeInternal; and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return CodeUnavailable
	}
	return CodeInternal
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
