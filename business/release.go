package business

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/secret"
)

// Phone release (AP-9: "the phone number is already taken"). Operators recycle numbers: whoever
// holds one now may find it still bound to an older wallet, and registering or rebinding with it
// is refused. Closing that wallet is not theirs to do; releasing the number is. The release starts
// from an SMS code to the phone, so only the phone's holder can go on, and every start answers the
// same whether the number is bound or not (issue 14: nothing tells a stranger which numbers have a
// wallet). A right code opens a waiting period of ReleaseWait: the older wallet's holder is told
// (by e-mail when the wallet has one, and on its security page when signed in) and may object.
// With no objection, the number is unbound from the older wallet when the period ends; that wallet
// keeps its money and everything else, signs in by e-mail, and can bind another phone.
//
// Why a waiting period and not support's approval: support could check nothing the code has not
// proved (the requester holds the SIM now); the one thing that can tell a recycled number from a
// SIM swap is the older holder's own word, which the waiting period asks for, and a queue of
// approvals for every recycled number would only make the wait longer.
const (
	ReleaseWait        = 7 * 24 * time.Hour
	ReleaseDailySends  = 5 // per phone, codes and notices alike
	ReleaseBatch       = 100
	releaseCodeRefused = "release code refused"
)

// Statuses of a phone release.
const (
	ReleaseCodeSent = "code_sent"
	ReleaseWaiting  = "waiting"
	ReleaseReleased = "released"
	ReleaseObjected = "objected"
	ReleaseExpired  = "expired"
)

// ReleaseView is what the requester reads of a release.
type ReleaseView struct {
	Status string    `json:"status" doc:"waiting, released, objected or expired"`
	DueAt  time.Time `json:"due_at,omitzero" doc:"When the number is released if the older holder does not object"`
	Token  string    `json:"token,omitempty" doc:"Shown once: send it to POST /api/v1/phone-releases/status to read where the release stands"`
}

// StartPhoneRelease sends an SMS to the phone: a release code when the number is bound to a live
// wallet, else a note that it is bound to none and can be registered. Both paths write one row and
// queue one SMS, and take at least the floor; past the phone's daily cap nothing is sent and the
// answer is the same. Errors: INVALID_PHONE (which says nothing of any account).
func (s *Service) StartPhoneRelease(ctx context.Context, rawPhone, language string) error {
	phone, err := account.NormalizePhone(rawPhone)
	if err != nil {
		return err
	}
	defer s.holdFloor(ctx)()
	hash := s.Vault.Lookup("phone", phone)
	capped := errors.New("capped")
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		if n, err := tx.Hit(ctx, "phone-release:"+s.Vault.Bucket("phone", phone), now.Truncate(24*time.Hour)); err != nil {
			return err
		} else if n > ReleaseDailySends {
			return capped // rolls back: the refused start counts nowhere
		}
		code, err := newCode()
		if err != nil {
			return err
		}
		r := &purse.PhoneRelease{ID: purse.NewID(), PhoneHash: hash, Status: ReleaseCodeSent, CreatedAt: now,
			CodeExpiresAt: now.Add(CodeLifetime)}
		r.CodeHash = s.releaseHash(r.ID, code)
		lang := "zh-CN"
		if language == "en" {
			lang = "en"
		}
		n := notify.Notice{Channel: purse.ChannelSMS, To: phone, Template: "phone_release_free", Language: lang}
		holder, err := tx.LiveAccountByLookup(ctx, hash)
		switch {
		case err == nil:
			r.AccountID = holder.ID
			n.Template, n.Expires = "phone_release_code", r.CodeExpiresAt
			n.Data = map[string]string{"Code": code, "Minutes": fmt.Sprint(int(CodeLifetime / time.Minute))}
		case !errors.Is(err, purse.ErrNotFound):
			return err
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, n); err != nil {
			return err
		}
		return tx.InsertPhoneRelease(ctx, r)
	})
	if errors.Is(err, capped) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start phone release: %w", err)
	}
	return nil
}

func (s *Service) releaseHash(id, code string) string {
	return s.Vault.Lookup("phone-release", id+":"+code)
}

// ConfirmPhoneRelease takes the code StartPhoneRelease sent and opens the waiting period: the older
// wallet's holder is told and may object until the due time. Every failure of the code answers the
// same OTP_INVALID: no release started, a free number (whose code was never sent), and a wrong,
// expired, used or exhausted code look alike. Errors: INVALID_PHONE, OTP_INVALID.
func (s *Service) ConfirmPhoneRelease(ctx context.Context, rawPhone, code string) (*ReleaseView, error) {
	phone, err := account.NormalizePhone(rawPhone)
	if err != nil {
		return nil, err
	}
	defer s.holdFloor(ctx)()
	hash := s.Vault.Lookup("phone", phone)
	var out *ReleaseView
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		r, err := tx.LatestPhoneRelease(ctx, hash)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeOTPInvalid, releaseCodeRefused)
		}
		if err != nil {
			return err
		}
		if r.Status != ReleaseCodeSent || r.AccountID == "" || !now.Before(r.CodeExpiresAt) || r.Attempts >= MaxAttempts {
			return purse.Errorf(purse.CodeOTPInvalid, releaseCodeRefused)
		}
		if !hmac.Equal([]byte(r.CodeHash), []byte(s.releaseHash(r.ID, code))) {
			r.Attempts++
			if err := tx.UpdatePhoneRelease(ctx, r); err != nil {
				return err
			}
			return purse.FailAfterCommit(purse.Errorf(purse.CodeOTPInvalid, releaseCodeRefused))
		}
		holder, err := tx.AccountForUpdate(ctx, r.AccountID)
		if err != nil {
			return err
		}
		token := secret.NewToken("prl_")
		r.TokenHash = secret.HashToken(token)
		out = &ReleaseView{Token: token}
		if holder.PhoneHash != hash {
			// The older wallet changed its phone meanwhile: the number is free already.
			r.Status, r.EndedAt = ReleaseReleased, now
			out.Status = r.Status
			return tx.UpdatePhoneRelease(ctx, r)
		}
		r.Status, r.DueAt = ReleaseWaiting, now.Add(ReleaseWait)
		out.Status, out.DueAt = r.Status, r.DueAt
		if err := tx.UpdatePhoneRelease(ctx, r); err != nil {
			return err
		}
		if err := s.tellHolder(ctx, tx, holder, "phone_release_requested", map[string]string{
			"Date": s.Catalog.FormatTime(holder.Language, r.DueAt)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "anonymous", "phone_release.requested", holder.ID,
			map[string]string{"release": r.ID, "due_at": r.DueAt.UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return nil, fmt.Errorf("confirm phone release: %w", err)
	}
	return out, nil
}

// tellHolder e-mails the older wallet's holder, when the wallet has an e-mail address. The SMS
// would go to the very number being released, which its holder no longer has.
func (s *Service) tellHolder(ctx context.Context, tx purse.Tx, holder *purse.AccountRecord, template string, data map[string]string) error {
	if len(holder.EmailSealed) == 0 {
		return nil
	}
	key, err := s.Accounts.DataKey(ctx, tx, holder.ID)
	if err != nil {
		return err
	}
	email, err := key.Open("email", holder.EmailSealed)
	if err != nil || email == "" {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: holder.ID, Channel: purse.ChannelEmail,
		To: email, Template: template, Language: holder.Language, Data: data})
	return err
}

// ReleaseStatus tells the requester where a release stands, by the token ConfirmPhoneRelease
// gave. Errors: NOT_FOUND.
func (s *Service) ReleaseStatus(ctx context.Context, token string) (*ReleaseView, error) {
	var out *ReleaseView
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		r, err := tx.PhoneReleaseByToken(ctx, secret.HashToken(token))
		if errors.Is(err, purse.ErrNotFound) || (err == nil && token == "") {
			return purse.Errorf(purse.CodeNotFound, "no such phone release")
		}
		if err != nil {
			return err
		}
		out = &ReleaseView{Status: r.Status, DueAt: r.DueAt}
		return nil
	})
	return out, err
}

// WaitingReleases lists the releases waiting against the account: its holder may object to each.
func (s *Service) WaitingReleases(ctx context.Context, accountID string) ([]*purse.PhoneRelease, error) {
	var out []*purse.PhoneRelease
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.WaitingPhoneReleases(ctx, accountID)
		return err
	})
	return out, err
}

// ObjectRelease is the older holder's "this number is still mine": the release ends, the number
// stays bound, and the requester is told by SMS (the holder should change their passwords: a
// stranger received SMS on their number). Errors: NOT_FOUND (no such waiting release on the account).
func (s *Service) ObjectRelease(ctx context.Context, accountID, id string) error {
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		list, err := tx.WaitingPhoneReleases(ctx, accountID)
		if err != nil {
			return err
		}
		for _, r := range list {
			if r.ID != id {
				continue
			}
			r.Status, r.EndedAt = ReleaseObjected, tx.Now()
			if err := tx.UpdatePhoneRelease(ctx, r); err != nil {
				return err
			}
			if err := s.smsToBoundPhone(ctx, tx, acct, "phone_release_objected"); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "account:"+accountID, "phone_release.objected", accountID,
				map[string]string{"release": id})
		}
		return purse.Errorf(purse.CodeNotFound, "no waiting phone release %s", id)
	})
	if err != nil {
		return fmt.Errorf("object to phone release %s: %w", id, err)
	}
	return nil
}

// smsToBoundPhone sends a notice to the account's bound phone: the number a release is about.
func (s *Service) smsToBoundPhone(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, template string) error {
	key, err := s.Accounts.DataKey(ctx, tx, acct.ID)
	if err != nil {
		return err
	}
	phone, err := key.Open("phone", acct.PhoneSealed)
	if err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: acct.ID, Channel: purse.ChannelSMS, To: phone,
		Template: template, Language: acct.Language})
	return err
}

// ReleaseDue unbinds the numbers whose waiting period ended with no objection: the older wallet
// keeps everything but the phone (lookup hash, sealed and masked forms), the phone hears that it
// is free, and the holder is told by e-mail. A wallet that changed its phone meanwhile is left
// alone. It returns how many releases it ended.
func (s *Service) ReleaseDue(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		due, err := tx.DuePhoneReleases(ctx, now, ReleaseBatch)
		if err != nil {
			return err
		}
		for _, r := range due {
			if err := s.release(ctx, tx, r); err != nil {
				return fmt.Errorf("release %s: %w", r.ID, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// ReleaseTask is the releasing job for the runner.
func (s *Service) ReleaseTask() jobs.Task {
	return jobs.Task{Name: "phone_release.due", Every: time.Minute, Batch: ReleaseBatch, Run: s.ReleaseDue}
}

func (s *Service) release(ctx context.Context, tx purse.Tx, r *purse.PhoneRelease) error {
	now := tx.Now()
	r.Status, r.EndedAt = ReleaseReleased, now
	if err := tx.UpdatePhoneRelease(ctx, r); err != nil {
		return err
	}
	acct, err := tx.AccountForUpdate(ctx, r.AccountID)
	if err != nil {
		return err
	}
	if acct.PhoneHash != r.PhoneHash {
		return nil
	}
	if err := s.smsToBoundPhone(ctx, tx, acct, "phone_release_done"); err != nil {
		return err
	}
	masked, err := account.MaskedPhone(ctx, tx, s.Vault, acct)
	if err != nil {
		return err
	}
	acct.PhoneHash, acct.PhoneSealed, acct.UpdatedAt = "", nil, now
	if err := tx.UpdateAccount(ctx, acct); err != nil {
		return err
	}
	if err := s.tellHolder(ctx, tx, acct, "phone_released", map[string]string{"Masked": masked}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "system", "phone_release.released", acct.ID, map[string]string{"release": r.ID})
}
