package account

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// SetLanguage records the language the account's messages are written in: SMS, e-mails and
// notices follow the account, not the device that happens to trigger them, so an English user
// switching the pages to English also gets English codes and closure notices (issue 18). Any
// language purse does not speak is stored as the closest one it does (i18n.Match). NOT_FOUND for
// an unknown account.
func (s *Service) SetLanguage(ctx context.Context, accountID, lang string) error {
	lang = i18n.Match(lang)
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		rec, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return fmt.Errorf("set language of %s: %w", accountID, err)
		}
		if rec.Language == lang {
			return nil
		}
		rec.Language = lang
		rec.UpdatedAt = tx.Now()
		return tx.UpdateAccount(ctx, rec)
	})
}
