package notify

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

// NewestCode reads the one-time code of the newest message of template to a recipient from the
// outbox. It is for in-process seeding (the demo's accounts, bench setup) and tests, where the
// outbox stands for the holder's phone: they go through the same step-up as a user would.
func NewestCode(ctx context.Context, store purse.Store, to, template string) (string, error) {
	var code string
	err := store.Read(ctx, func(tx purse.Tx) error {
		msgs, err := tx.MessagesTo(ctx, to, 20)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Template == template && m.Data["Code"] != "" {
				code = m.Data["Code"]
				return nil
			}
		}
		return fmt.Errorf("notify: no %s message to %s", template, to)
	})
	return code, err
}
