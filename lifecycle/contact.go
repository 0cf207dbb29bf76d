package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/vault"
)

type contact struct{ phone, email string }

// contacts decrypts the accounts' phones and e-mails, reading their keys in one statement; an
// account whose key is already gone (an earlier, interrupted erasure) has none. A wrapped key that
// does not open fails the batch: the likely cause is a wrong master key, and erasing every due
// account without its notice would be the wrong answer to that. A value that does not open under
// a good key is one damaged account: it is logged and erased without a notice, so it cannot stop
// the purge of the others.
func (s *Service) contacts(ctx context.Context, tx purse.Tx, cands []*purse.PurgeCandidate) (map[string]contact, error) {
	out := make(map[string]contact, len(cands))
	if len(cands) == 0 {
		return out, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.Account.ID
	}
	keys, err := tx.DataKeys(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		a := c.Account
		k, ok := keys[a.ID]
		if !ok {
			continue
		}
		key, err := s.Vault.Unwrap(a.ID, k.Wrapped)
		if errors.Is(err, vault.ErrShredded) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w (is the master key right?)", err)
		}
		var ct contact
		ct.phone, err = key.Open("phone", a.PhoneSealed)
		if err == nil {
			ct.email, err = key.Open("email", a.EmailSealed)
		}
		if err != nil {
			if s.Log != nil {
				s.Log.WarnContext(ctx, "purge: personal data does not open; erasing without a notice",
					"account_id", a.ID, "error", err.Error())
			}
			continue
		}
		out[a.ID] = ct
	}
	return out, nil
}

// notice is the data_erased notice: by e-mail where there is one, else by SMS (AP-5).
func (c contact) notice(a *purse.AccountRecord, p Policy) (notify.Notice, bool) {
	n := notify.Notice{AccountID: a.ID, Template: "data_erased", Language: a.Language,
		Data: map[string]string{"ClosedAt": a.ClosedAt.UTC().Format("2006-01-02"),
			"RecordsUntil": p.Records.After(a.ClosedAt).UTC().Format("2006-01-02")}}
	switch {
	case c.email != "":
		n.Channel, n.To = purse.ChannelEmail, c.email
	case c.phone != "":
		n.Channel, n.To = purse.ChannelSMS, c.phone
	default:
		return n, false
	}
	return n, true
}
