package notify_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// A wallet whose phone number was released to the number's new holder (AP-9) has no phone: its
// password-change, two-step and closure texts were queued to an empty number, retried and marked
// failed (or "sent" by a provider that takes anything). A notice with no recipient writes nothing;
// in a batch, the others are written.
func TestNoticeToNobodyIsNotQueued(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		notice := func(to string) notify.Notice {
			return notify.Notice{AccountID: "acct-1", Channel: purse.ChannelSMS, To: to, Template: "test_notice",
				Language: i18n.Chinese, Data: map[string]string{"Note": "x"}}
		}
		var one *purse.Message
		var many []*purse.Message
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			if one, err = notify.Enqueue(ctx, tx, e.cat, notice("")); err != nil {
				return err
			}
			many, err = notify.EnqueueAll(ctx, tx, e.cat, []notify.Notice{notice(""), notice("13900000009")})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if one != nil || len(many) != 2 || many[0] != nil || many[1] == nil {
			t.Fatalf("Enqueue gave %v, EnqueueAll gave %v: want nothing for the notice to nobody", one, many)
		}
		var claimed []*purse.Message
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			claimed, err = tx.ClaimMessages(ctx, tx.Now(), 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(claimed) != 1 || claimed[0].ID != many[1].ID {
			t.Fatalf("the outbox holds %d messages, want only the addressed one", len(claimed))
		}
	})
}
