package business

import (
	"context"
	"errors"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
)

// StartPhoneChange begins a phone-number change (AP-8.7): a code goes by SMS to the new phone,
// which proves the user holds it. A pending change is superseded. Errors: INVALID_PHONE,
// PHONE_TAKEN (the number belongs to a live account, this one included), ACCOUNT_CLOSING (in
// cooling-off: keep the account first), ACCOUNT_NOT_ACTIVE,
// RATE_LIMITED (daily cap).
func (s *Service) StartPhoneChange(ctx context.Context, accountID, newPhone string) (*purse.BusinessFlow, error) {
	phone, err := account.NormalizePhone(newPhone)
	if err != nil {
		return nil, err
	}
	hash := s.Vault.Lookup("phone", phone)
	var f *purse.BusinessFlow
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		if err := startable(acct); err != nil {
			return err
		}
		if err := phoneFree(ctx, tx, hash); err != nil {
			return err
		}
		if err := supersede(ctx, tx, accountID, purse.BusinessPhoneChange); err != nil {
			return err
		}
		key, err := s.Accounts.DataKey(ctx, tx, accountID)
		if err != nil {
			return err
		}
		f = newFlow(accountID, purse.BusinessPhoneChange, tx.Now(), true)
		f.TargetSealed, f.TargetHash, f.TargetMasked = key.Seal("new_phone", phone), hash, account.MaskPhone(phone)
		if err := s.issue(ctx, tx, f, acct, phone); err != nil {
			return err
		}
		if err := tx.InsertBusinessFlow(ctx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "business.phone_change.start", accountID,
			map[string]string{"flow_id": f.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("start phone change: %w", err)
	}
	return f, nil
}

// phoneFree answers PHONE_TAKEN when a live account holds the phone hash.
func phoneFree(ctx context.Context, tx purse.Tx, hash string) error {
	_, err := tx.LiveAccountByLookup(ctx, hash)
	if err == nil {
		return purse.Errorf(purse.CodePhoneTaken, "phone belongs to a live account")
	}
	if errors.Is(err, purse.ErrNotFound) {
		return nil
	}
	return err
}

// ConfirmPhoneChange completes a phone change with the code: the account's phone (lookup hash,
// sealed and masked forms) becomes the new one, and the old phone is told by SMS. Errors:
// NOT_FOUND, BUSINESS_KIND_MISMATCH, OTP_EXPIRED, OTP_INVALID, OTP_RATE_LIMITED, PHONE_TAKEN (the
// number was taken meanwhile; the flow stays pending and can be cancelled).
func (s *Service) ConfirmPhoneChange(ctx context.Context, accountID, id, code string) (*purse.BusinessFlow, error) {
	var out *purse.BusinessFlow
	err := s.flow(ctx, accountID, id, func(tx purse.Tx, acct *purse.AccountRecord, f *purse.BusinessFlow) error {
		if f.Kind != purse.BusinessPhoneChange {
			return purse.Errorf(CodeWrongFlow, "flow %s is a %s", id, f.Kind)
		}
		if err := s.verify(ctx, tx, f, code); err != nil {
			return err
		}
		if err := phoneFree(ctx, tx, f.TargetHash); err != nil {
			return err
		}
		key, err := s.Accounts.DataKey(ctx, tx, accountID)
		if err != nil {
			return err
		}
		phone, err := key.Open("new_phone", f.TargetSealed)
		if err != nil {
			return err
		}
		old, err := key.Open("phone", acct.PhoneSealed)
		if err != nil {
			return err
		}
		acct.PhoneHash, acct.PhoneSealed = f.TargetHash, key.Seal("phone", phone)
		acct.UpdatedAt = tx.Now()
		if err := tx.UpdateAccount(ctx, acct); errors.Is(err, purse.ErrDuplicate) {
			return purse.Errorf(purse.CodePhoneTaken, "phone taken concurrently")
		} else if err != nil {
			return err
		}
		f.Status, f.EndedAt = "completed", tx.Now()
		if err := tx.UpdateBusinessFlow(ctx, f); err != nil {
			return err
		}
		// The old phone hears of the change, so that a hijacked session cannot move the account quietly;
		// a wallet whose number was released (AP-9) has no old phone to tell.
		if old != "" {
			if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: accountID, Channel: purse.ChannelSMS,
				To: old, Template: "phone_changed", Language: acct.Language,
				Data: map[string]string{"Masked": account.MaskPhone(phone)}}); err != nil {
				return err
			}
		}
		out = f
		return audit.Record(ctx, tx, "account:"+accountID, "business.phone_change.complete", accountID,
			map[string]string{"flow_id": id})
	})
	if err != nil {
		return nil, fmt.Errorf("confirm phone change: %w", err)
	}
	return out, nil
}
