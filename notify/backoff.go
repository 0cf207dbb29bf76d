package notify

import (
	"math/rand/v2"
	"time"
)

// Backoff is the wait before the next attempt after attempts failed ones: base doubled per attempt,
// capped, then spread by ±20% jitter so that messages failing together (a provider outage) do not
// all come back in the same second.
func Backoff(attempts int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < attempts && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
	return d + jitter
}
