package wallet

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/verify"
)

// Codes of binding a card (issue 13).
const (
	CodeCardHolderMismatch purse.Code = "CARD_HOLDER_MISMATCH"
	CodeSMSCodeRequired    purse.Code = "SMS_CODE_REQUIRED"
)

// cardCodePurpose is the one-time code's purpose: a code sent for a card binds only a card.
const cardCodePurpose = "card.bind"

// CardTemplate is the SMS that carries a card-binding code.
const CardTemplate = "card_otp"

// CardBinding is a new card with the step-up that binding it needs (issue 13): a stolen session
// alone must not add a card money can leave to.
type CardBinding struct {
	Bank, Number, Holder string
	PaymentPassword      string // checked and counted toward the lock
	SMSCode              string // sent to the account's phone by SendCardCode
}

// CardCodeSent says where a card-binding code went, masked, and when another may be asked for.
type CardCodeSent struct {
	Channel   purse.Channel `json:"channel"`
	To        string        `json:"to"`
	ExpiresAt time.Time     `json:"expires_at"`
	ResendAt  time.Time     `json:"resend_at"`
}

// SendCardCode sends a one-time code by SMS to the account's own phone, for BindCard: whoever
// binds a card must hold that phone, not only a session. Errors: OTP_RATE_LIMITED (Retry-After),
// ACCOUNT_NOT_ACTIVE, NOT_FOUND.
func (s *Service) SendCardCode(ctx context.Context, accountID string) (*CardCodeSent, error) {
	var sent *CardCodeSent
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
			return err
		}
		rec, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		a, err := s.Accounts.Open(ctx, tx, rec)
		if err != nil {
			return err
		}
		code, err := s.OTP.Issue(ctx, tx, accountID, cardCodePurpose, purse.ChannelSMS, a.Phone)
		if err != nil {
			return err
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: accountID, Channel: purse.ChannelSMS,
			To: a.Phone, Template: CardTemplate, Language: a.Language,
			Data:    map[string]string{"Code": code, "Minutes": strconv.Itoa(int(verify.CodeTTL / time.Minute))},
			Expires: tx.Now().Add(verify.CodeTTL)}); err != nil {
			return err
		}
		now := tx.Now()
		sent = &CardCodeSent{Channel: purse.ChannelSMS, To: account.MaskPhone(a.Phone), ExpiresAt: now.Add(verify.CodeTTL),
			ResendAt: now.Add(verify.ResendAfter)}
		return audit.Record(ctx, tx, "account:"+accountID, "card.code_sent", accountID, nil)
	})
	if err != nil {
		return nil, err
	}
	return sent, nil
}

// BindCard binds a bank card for quick pay (TP-1) once the holder has stepped up (issue 13): the
// payment password (a wrong one counts toward its lock), on a verified account a holder's name
// that is the account's real name, and the SMS code SendCardCode sent to the account's phone. The
// number is checked with the Luhn digit and sealed with the account's data key; only its last
// four digits stay readable. The binding is audited (card.bound). Errors: CARD_NUMBER_INVALID,
// PAYMENT_PASSWORD_REQUIRED, PAYMENT_PASSWORD_WRONG, PAYMENT_PASSWORD_LOCKED,
// CARD_HOLDER_MISMATCH, SMS_CODE_REQUIRED, OTP_INVALID, OTP_EXPIRED, ACCOUNT_NOT_ACTIVE,
// TEXT_CONTROL_CHARACTERS.
func (s *Service) BindCard(ctx context.Context, accountID string, b CardBinding) (*purse.Card, error) {
	if err := purse.CheckTexts("bank", b.Bank, "holder_name", b.Holder); err != nil {
		return nil, err
	}
	number := strings.NewReplacer(" ", "", "-", "").Replace(b.Number)
	if !bank.Luhn(number) {
		return nil, &purse.Error{Code: purse.CodeCardNumberInvalid, Detail: "Luhn check failed",
			Fields: []purse.FieldError{{Field: "body.card_number", Code: purse.CodeCardNumberInvalid}}}
	}
	if b.PaymentPassword == "" {
		return nil, needPassword(nil)
	}
	var c *purse.Card
	err := s.withProof(ctx, accountID, b.PaymentPassword, func(proof *account.PaymentPasswordProof) error {
		return s.Store.Tx(ctx, func(tx purse.Tx) error {
			var err error
			c, err = s.bindCard(ctx, tx, accountID, number, b, proof)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// bindCard is BindCard's transaction. A refusal after the payment password was counted, or after
// a code try was spent, commits (FailAfterCommit) so that neither count can be rolled back.
func (s *Service) bindCard(ctx context.Context, tx purse.Tx, accountID, number string, b CardBinding, proof *account.PaymentPasswordProof) (*purse.Card, error) {
	if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
		return nil, err
	}
	if err := s.Accounts.CheckPaymentPasswordProof(ctx, tx, proof); err != nil {
		return nil, err
	}
	rec, err := tx.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	a, err := s.Accounts.Open(ctx, tx, rec)
	if err != nil {
		return nil, err
	}
	if rec.Kind == purse.KindVerified && !sameName(a.Name, b.Holder) {
		return nil, purse.FailAfterCommit(&purse.Error{Code: CodeCardHolderMismatch, Detail: "the holder is not the account's real name",
			Fields: []purse.FieldError{{Field: "body.holder_name", Code: CodeCardHolderMismatch}}})
	}
	if b.SMSCode == "" {
		return nil, purse.FailAfterCommit(&purse.Error{Code: CodeSMSCodeRequired, Detail: "an SMS code to the bound phone is required",
			Params: map[string]any{"Phone": account.MaskPhone(a.Phone)}})
	}
	if err := s.OTP.Check(ctx, tx, accountID, cardCodePurpose, purse.ChannelSMS, b.SMSCode); err != nil {
		if purse.AsError(err) != nil {
			return nil, purse.FailAfterCommit(err) // the spent try stays spent
		}
		return nil, err
	}
	key, err := s.Accounts.DataKey(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	c := &purse.Card{ID: purse.NewID(), AccountID: accountID, Bank: b.Bank,
		NumberSealed: key.Seal("card_number", number), HolderSealed: key.Seal("card_holder", b.Holder),
		Last4: number[len(number)-4:], Status: "bound", CreatedAt: tx.Now()}
	c.Masked = "**** **** **** " + c.Last4
	if err := tx.InsertCard(ctx, c); err != nil {
		return nil, err
	}
	return c, audit.Record(ctx, tx, "account:"+accountID, "card.bound", accountID,
		map[string]string{"card": c.ID, "bank": c.Bank, "last4": c.Last4})
}

// sameName compares a holder's name with the real name as people write them: spaces and the
// letters' case do not make another person ("王 芳" is 王芳, "zhang san" is Zhang San). An
// account without a real name matches no one.
func sameName(real, holder string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '·' || r == '•' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	r := norm(real)
	return r != "" && r == norm(holder)
}

// Cards lists the account's bound cards.
func (s *Service) Cards(ctx context.Context, accountID string) ([]purse.Card, error) {
	var out []purse.Card
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.BoundCards(ctx, accountID)
		return err
	})
	return out, err
}

// UnbindCard ends a binding. Errors: NOT_FOUND (also for another account's card).
func (s *Service) UnbindCard(ctx context.Context, accountID, id string) error {
	if !purse.ValidID(id) {
		return purse.Errorf(purse.CodeNotFound, "no card %s", id)
	}
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return notFound(tx.UnbindCard(ctx, id, accountID, tx.Now()), "card")
	})
}

// card returns the account's bound card, NOT_FOUND otherwise.
func card(ctx context.Context, tx purse.Tx, accountID, id string) (*purse.Card, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no card %s", id)
	}
	c, err := tx.BoundCard(ctx, id, accountID)
	return c, notFound(err, "card")
}
