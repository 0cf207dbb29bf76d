package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/storetest"
)

// TestLongRowsStayUncompressed: on PostgreSQL a closure request with its certificate and a long
// outbox message are stored uncompressed up to 4 kB a row (migration 00352): compressing them was
// 2.7 % of the server's instructions per closure flow, and the message's sealed body never
// compresses (issue 19).
func TestLongRowsStayUncompressed(t *testing.T) {
	t.Parallel()
	clk := clock.NewFixed(time.Unix(1_700_000_000, 0))
	db := storetest.Open(t, "postgres", clk)
	ctx := context.Background()
	a := account(t, db)
	now := clk.Now()
	cert := strings.Repeat("certificate ", 200) // 2,400 bytes that compress well
	c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: a, Policy: "strict", PolicyJSON: []byte(`{}`),
		State: purse.ClosureClosed, CreatedAt: now, UpdatedAt: now, ClosedAt: now, Certificate: []byte(cert)}
	if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosure(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	var stored, length int
	if err := db.SQL().QueryRowContext(ctx, `SELECT pg_column_size(certificate), octet_length(certificate)
		FROM closures WHERE id = $1`, c.ID).Scan(&stored, &length); err != nil {
		t.Fatal(err)
	}
	if stored < length {
		t.Errorf("the certificate's %d bytes stored compressed in %d", length, stored)
	}
	body := strings.Repeat("notice ", 400) // 2,800 bytes
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO outbox (id, channel, recipient, template, language, body,
		status, next_attempt_at, created_at) VALUES ($1, 'email', 'r', 't', 'zh', $2, 'pending', 0, 0)`, "toast-test", body); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT pg_column_size(body), octet_length(body) FROM outbox WHERE id = 'toast-test'`).
		Scan(&stored, &length); err != nil {
		t.Fatal(err)
	}
	if stored < length {
		t.Errorf("the message's %d bytes stored compressed in %d", length, stored)
	}
}
