package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// down is a provider that is always unreachable.
type down struct{}

func (down) Name() string                               { return "down" }
func (down) Send(context.Context, *purse.Message) error { return errors.New("connection refused") }

// TestPrune: settled messages (sent or failed) past the keeping time go, in batches; younger ones
// and pending ones, however old, stay.
func TestPrune(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		var gone []*purse.Message
		for range 5 {
			gone = append(gone, e.enqueue(t, purse.ChannelSMS, "13900000010", i18n.Chinese, "old"))
		}
		gone = append(gone, e.enqueue(t, purse.ChannelEmail, "gone@example.com", i18n.Chinese, "old"))
		owed := e.enqueue(t, purse.ChannelWebhook, "https://platform.example/hook", i18n.Chinese, "owed")
		ms := notifytest.NewMailbox(t)
		ms.RejectRecipients()
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelEmail: ms.Sender(t), purse.ChannelWebhook: down{}}))
		if got := e.message(t, gone[5].ID); got.Status != "failed" {
			t.Fatalf("rejected e-mail: %s", got.Status)
		}
		clk.Advance(20 * 24 * time.Hour)
		young := e.enqueue(t, purse.ChannelSMS, "13900000012", i18n.Chinese, "young")
		run(t, e.worker(map[purse.Channel]notify.Sender{purse.ChannelWebhook: down{}}))
		clk.Advance(11 * 24 * time.Hour)

		p := &notify.Pruner{Store: db, Batch: 2}
		if n := jobs.RunOnce(ctx, p.Task(), nil); n != 6 {
			t.Fatalf("pruned %d, want the 6 settled messages older than 30 days", n)
		}
		for _, m := range gone {
			err := db.Read(ctx, func(tx purse.Tx) error { _, err := tx.Message(ctx, m.ID); return err })
			if !errors.Is(err, purse.ErrNotFound) {
				t.Fatalf("message %s survived: %v", m.ID, err)
			}
		}
		if got := e.message(t, young.ID); got.Status != "sent" {
			t.Fatalf("young message: %s", got.Status)
		}
		if got := e.message(t, owed.ID); got.Status != "pending" {
			t.Fatalf("owed message: %s", got.Status)
		}
		if n := jobs.RunOnce(ctx, p.Task(), nil); n != 0 {
			t.Fatalf("a second prune deleted %d", n)
		}
	})
}
