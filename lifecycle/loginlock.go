package lifecycle

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// LoginLockWindow is how long the wrong-password count of a login that names no account is kept
// after its last try: longer than the sign-in lock it can cause (account.LoginLock), so pruning
// never lifts a lock early. Without pruning, every guessed login would leave a row forever.
const LoginLockWindow = 24 * time.Hour

// RateCounterWindow is how long a rate counter is kept after its window starts: the longest
// window any counter uses is a day (codes per phone, small payments per account), so a counter
// older than two days counts toward nothing. Without pruning every phone that ever asked for a
// code left a row for ever.
const RateCounterWindow = 48 * time.Hour

// LoginLockTask deletes the locks of unknown logins untouched for LoginLockWindow, every hour,
// the pending registrations (issue 14) started as long ago (their codes lasted minutes), and the
// rate counters past RateCounterWindow.
func LoginLockTask(store purse.Store) jobs.Task {
	return jobs.Task{Name: "login-lock-prune", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		var n int
		err := store.Tx(ctx, func(tx purse.Tx) error {
			var err error
			if n, err = tx.DeleteLoginLocks(ctx, tx.Now().Add(-LoginLockWindow)); err != nil {
				return err
			}
			r, err := tx.DeleteRegistrations(ctx, tx.Now().Add(-LoginLockWindow))
			if err != nil {
				return err
			}
			c, err := tx.DeleteRateCounters(ctx, tx.Now().Add(-RateCounterWindow))
			n += r + c
			return err
		})
		return n, err
	}}
}
