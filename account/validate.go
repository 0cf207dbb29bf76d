package account

import (
	"net/mail"
	"regexp"
	"strings"

	"github.com/purse-wallet/purse"
)

var (
	mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	e164           = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// NormalizePhone returns the canonical form of a phone number: 11 mainland digits as they are
// ("+86" and spaces or dashes removed), any other number in E.164.
func NormalizePhone(raw string) (string, error) {
	p := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(raw))
	if strings.HasPrefix(p, "+86") && mainlandMobile.MatchString(p[3:]) {
		p = p[3:]
	}
	if mainlandMobile.MatchString(p) || (e164.MatchString(p) && !strings.HasPrefix(p, "+86")) {
		return p, nil
	}
	return "", &purse.Error{Code: purse.CodeInvalidPhone, Detail: "not a mainland mobile or E.164 number",
		Fields: []purse.FieldError{{Field: "phone", Code: purse.CodeInvalidPhone}}}
}

// NormalizeEmail returns the lower-cased address, or "" for an empty one.
func NormalizeEmail(raw string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" {
		return "", nil
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndex(e, "@"):], ".") {
		return "", &purse.Error{Code: purse.CodeInvalidEmail, Detail: "not an e-mail address",
			Fields: []purse.FieldError{{Field: "email", Code: purse.CodeInvalidEmail}}}
	}
	return e, nil
}

// CheckPassword enforces the login-password rule: at least 8 characters, at most 128.
func CheckPassword(p string) error {
	n := len([]rune(p))
	if n < 8 || n > 128 {
		return &purse.Error{Code: purse.CodePasswordTooShort, Detail: "login password must have 8 to 128 characters",
			Fields: []purse.FieldError{{Field: "password", Code: purse.CodePasswordTooShort}}}
	}
	return nil
}

// CheckPaymentPassword enforces the 6-digit payment password (TP-4): digits only, not all the same
// digit, and not a straight run up or down (123456, 987654), the first guesses of any thief.
func CheckPaymentPassword(p string) error {
	weak := &purse.Error{Code: purse.CodePaymentPasswordWeak, Detail: "payment password must be 6 digits, not repeated or sequential",
		Fields: []purse.FieldError{{Field: "payment_password", Code: purse.CodePaymentPasswordWeak}}}
	if len(p) != 6 {
		return weak
	}
	same, up, down := true, true, true
	for i := 0; i < 6; i++ {
		if p[i] < '0' || p[i] > '9' {
			return weak
		}
		if i > 0 {
			same = same && p[i] == p[0]
			up = up && p[i] == p[i-1]+1
			down = down && p[i] == p[i-1]-1
		}
	}
	if same || up || down {
		return weak
	}
	return nil
}

// MaskPhone keeps the first three and last four digits: 138****0000.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return "****"
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}
