package verify

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/dchest/captcha"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/vault"
)

// CaptchaTTL is how long a captcha can be answered.
const CaptchaTTL = 10 * time.Minute

// Captchas makes graphic captchas (PW-2). dchest/captcha only draws the image; the answer is kept
// hashed in the database, not in the library's memory store, so any instance can check it.
type Captchas struct {
	Vault *vault.Vault
}

// NewCaptcha is a fresh captcha: its id, the PNG, and (for the demo only) its answer.
type NewCaptcha struct {
	ID     string
	PNG    []byte
	Answer string
}

func (c *Captchas) hash(id, answer string) string {
	return c.Vault.Lookup("captcha", id+"|"+strings.TrimSpace(answer))
}

// New draws a captcha of six digits and stores its hashed answer, bound to accountID when the
// caller is signed in.
func (c *Captchas) New(ctx context.Context, tx purse.Tx, accountID string) (*NewCaptcha, error) {
	ds := captcha.RandomDigits(6)
	id := purse.NewID()
	var png bytes.Buffer
	if _, err := captcha.NewImage(id, ds, captcha.StdWidth, captcha.StdHeight).WriteTo(&png); err != nil {
		return nil, err
	}
	answer := make([]byte, len(ds))
	for i, d := range ds {
		answer[i] = '0' + d
	}
	now := tx.Now()
	err := tx.InsertCaptcha(ctx, &purse.Captcha{ID: id, AccountID: accountID, AnswerHash: c.hash(id, string(answer)),
		CreatedAt: now, ExpiresAt: now.Add(CaptchaTTL)})
	if err != nil {
		return nil, err
	}
	return &NewCaptcha{ID: id, PNG: png.Bytes(), Answer: string(answer)}, nil
}

// Check answers a captcha once: right or wrong, it is used up. A captcha fetched by another
// account never counts for this one. Errors: CAPTCHA_INVALID.
func (c *Captchas) Check(ctx context.Context, tx purse.Tx, accountID, id, answer string) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeCaptchaInvalid, "malformed captcha id")
	}
	got, err := tx.TakeCaptcha(ctx, id, tx.Now())
	if errors.Is(err, purse.ErrNotFound) {
		return purse.Errorf(purse.CodeCaptchaInvalid, "unknown or used captcha")
	}
	if err != nil {
		return err
	}
	if (got.AccountID != "" && got.AccountID != accountID) || !tx.Now().Before(got.ExpiresAt) ||
		subtle.ConstantTimeCompare([]byte(got.AnswerHash), []byte(c.hash(id, answer))) != 1 {
		return purse.Errorf(purse.CodeCaptchaInvalid, "wrong or expired captcha")
	}
	return nil
}
