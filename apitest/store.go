package apitest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
)

// MarkClosed closes the account in the store directly, as a finished closure leaves it, for tests
// of what a closed account meets (sign-in, the purge) without walking a closure first.
func (e *Env) MarkClosed(t testing.TB, accountID string) {
	t.Helper()
	e.SetStatus(t, accountID, purse.StatusClosed)
}

// SetStatus sets the account's status in the store directly, as the closure engine's review and
// close job do, and stamps ClosedAt when the status ends the account's life.
func (e *Env) SetStatus(t testing.TB, accountID string, status purse.AccountStatus) {
	t.Helper()
	ctx := context.Background()
	err := e.DB.Tx(ctx, func(tx purse.Tx) error {
		a, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		a.Status, a.UpdatedAt = status, tx.Now()
		if !status.Live() {
			a.ClosedAt = tx.Now()
		}
		return tx.UpdateAccount(ctx, a)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ClosureState returns the closure request's state as stored.
func (e *Env) ClosureState(t testing.TB, id string) purse.ClosureState {
	t.Helper()
	var s purse.ClosureState
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		c, err := tx.Closure(context.Background(), id, "")
		if err == nil {
			s = c.State
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
