package postgres

import "time"

// SetMinRewriteRoom sets the least time a scrub needs left to start a rewrite, and returns the
// previous value (tests of the scrub's deadline).
func SetMinRewriteRoom(d time.Duration) time.Duration {
	old := minRewriteRoom
	minRewriteRoom = d
	return old
}
