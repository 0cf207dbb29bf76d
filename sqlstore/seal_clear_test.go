package sqlstore_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestSealClearRows: an outbox row an older purse wrote in clear (migration 00220 keeps the clear
// columns for them) is sealed when purse starts, and still reads the same through the store.
func TestSealClearRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		q := `INSERT INTO outbox (id, account_id, channel, recipient, template, language, subject, body, data, status,
			next_attempt_at, created_at) VALUES ('m1', '', 'sms', '13800138000', 'otp', 'zh-CN', '', '验证码 271828', '{}',
			'pending', 1, 1)`
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
		n, err := db.SealClearRows(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sealed %d rows: %v", n, err)
		}
		var to, body string
		var sealed []byte
		if err := db.SQL().QueryRow(`SELECT recipient, body, content_sealed FROM outbox WHERE id = 'm1'`).Scan(&to, &body, &sealed); err != nil {
			t.Fatal(err)
		}
		if to != "" || body != "" || len(sealed) == 0 {
			t.Fatalf("after sealing the row holds %q %q (sealed %d bytes)", to, body, len(sealed))
		}
		var msgs []*purse.Message
		err = db.Read(ctx, func(tx purse.Tx) error {
			msgs, err = tx.MessagesTo(ctx, "13800138000", 5)
			return err
		})
		if err != nil || len(msgs) != 1 || msgs[0].Body != "验证码 271828" || msgs[0].To != "13800138000" {
			t.Fatalf("read back: %v %+v", err, msgs)
		}
		if n, err := db.SealClearRows(ctx); err != nil || n != 0 {
			t.Fatalf("a second start sealed %d rows: %v", n, err)
		}
	})
}
