package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// A user in cooling-off finds the way back ("keep my account") on the home page, on both stores
// (issue 18's link). On PostgreSQL the page read the request with a row lock inside a read-only
// transaction, which the server refuses, and the error was dropped: the link never showed there.
func TestHomeOffersTheWayBackInCoolingOff(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("冷静期")
		id := c.accountID()
		if p := c.get("/").expect(t, 200); strings.Contains(p.Body, `id="cooling-off"`) {
			t.Fatal("an active account is offered the way back from cooling-off")
		}
		ctx := context.Background()
		err := e.DB.Tx(ctx, func(tx purse.Tx) error {
			now := tx.Now()
			return tx.InsertClosure(ctx, &purse.ClosureRequest{ID: purse.NewID(), AccountID: id, Policy: "strict",
				PolicyJSON: []byte(`{}`), State: purse.ClosureCoolingOff, Submitted: true, CreatedAt: now,
				UpdatedAt: now, ExpiresAt: now.Add(time.Hour), Deadline: now.Add(15 * 24 * time.Hour),
				CoolingEnds: now.Add(7 * 24 * time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		e.SetStatus(t, id, purse.StatusClosing)
		c.get("/").expect(t, 200, `id="cooling-off"`)
	})
}
