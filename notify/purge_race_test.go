package notify_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// erasingSender is a provider that takes the message while the personal-data purge erases its
// account: the hook runs the purge's erasure between the claim and the completion, every time.
type erasingSender struct {
	db        *sqlstore.DB
	accountID string
	sent      int
}

func (s *erasingSender) Name() string { return "sms-webhook" }

func (s *erasingSender) Send(ctx context.Context, m *purse.Message) error {
	s.sent++
	return s.db.Tx(ctx, func(tx purse.Tx) error {
		_, err := tx.ErasePersonalRows(ctx, []purse.Erasure{{AccountID: s.accountID}})
		return err
	})
}

// TestPurgeDuringSendRecordsSent (issue 15): a purge that erases an account while a sender holds
// its message used to leave it "failed: erased before delivery" although the send reached the
// provider. The completion now records it sent, its contents still erased; a message of the
// account that no sender held stays failed, never sent.
func TestPurgeDuringSendRecordsSent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		t.Parallel()
		e := newEnv(t, db, clk)
		inFlight := e.enqueue(t, purse.ChannelSMS, "13900000011", i18n.Chinese, "code 123456")
		waiting := e.enqueue(t, purse.ChannelSMS, "13900000012", i18n.Chinese, "code 654321")
		s := &erasingSender{db: db, accountID: "acct-1"}
		w := &notify.Worker{Store: db, Senders: map[purse.Channel]notify.Sender{purse.ChannelSMS: s}, Batch: 1}
		if n := run(t, w); n != 1 || s.sent != 1 {
			t.Fatalf("handled %d, sent %d", n, s.sent)
		}
		m := e.message(t, inFlight.ID)
		if m.Status != "sent" || m.To != "" || m.Body != "" || e.sender(t, inFlight.ID) != "sms-webhook" {
			t.Fatalf("the message that reached the provider: %s %q to %q body %q", m.Status, m.LastError, m.To, m.Body)
		}
		if m := e.message(t, waiting.ID); m.Status != "failed" || m.LastError != "erased before delivery" {
			t.Fatalf("the message no sender held: %s %q", m.Status, m.LastError)
		}
		run(t, w)
		if s.sent != 1 {
			t.Fatalf("an erased message was sent: %d sends", s.sent)
		}
	})
}
