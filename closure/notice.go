package closure

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify"
)

// notice sends a closure notice to the account by the first channel of the policy's order that
// the account has: e-mail where there is one, else SMS (AP-5), in the account's language.
func (s *Service) notice(ctx context.Context, st *step, template string, data map[string]string) error {
	return s.noticeUntil(ctx, st, template, data, time.Time{})
}

// noticeUntil is notice for a message that is not worth sending after expires (notify.Notice).
func (s *Service) noticeUntil(ctx context.Context, st *step, template string, data map[string]string, expires time.Time) error {
	c, tx := st.req, st.tx
	rec, err := st.account(ctx)
	if err != nil {
		return err
	}
	a, err := s.Accounts.Open(ctx, tx, rec)
	if err != nil {
		return err
	}
	if data == nil {
		data = map[string]string{}
	}
	data["Closure"] = c.ID
	for _, ch := range st.policy.NotifyOrder {
		to := a.Phone
		if purse.Channel(ch) == purse.ChannelEmail {
			to = a.Email
		}
		if to == "" {
			continue
		}
		_, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: a.ID, Channel: purse.Channel(ch),
			To: to, Template: template, Language: a.Language, Data: data, Expires: expires})
		return err
	}
	return nil
}
