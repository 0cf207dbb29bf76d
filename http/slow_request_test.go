package http_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// A request whose handler runs past huma's body-read timeout (5 s by default) keeps its context
// and its answer: the sign-in below waits 6 s for the account's row, held by another transaction,
// and still opens its session. purse reads a body before huma does (utf8Body), so net/http is
// already watching the connection for the client going away when huma sets its read deadline;
// that deadline then fired on the watch, and net/http cancelled the request as if the client had
// left. Under load, sign-ins queued behind argon2id for over 5 s answered 503 (500 before the
// store classified cancellations): crashtest's TestTwoInstancesOnePostgres met both.
func TestSlowRequestKeepsItsContext(t *testing.T) {
	t.Parallel()
	// The store's own deadline (5 s by default) would end the wait for the row first, and rightly:
	// a request stuck that long behind a lock answers 503 (TestAPIWhilePostgresIsAway). Here it is
	// lifted so that only huma's deadline could cut the request short.
	e := apitest.New(t, "sqlite", func(c *app.Config) { c.StoreDeadline = -1 })
	u := e.SignUp("")
	ctx := context.Background()
	locked, held := make(chan struct{}), make(chan error, 1)
	go func() {
		held <- e.DB.Tx(ctx, func(tx purse.Tx) error {
			if _, err := tx.AccountForUpdate(ctx, u.ID); err != nil {
				return err
			}
			close(locked)
			time.Sleep(6 * time.Second) // past huma's 5 s: the sign-in is sent after the lock
			return nil
		})
	}()
	<-locked
	e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}
