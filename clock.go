package purse

import "time"

// Clock tells the time. Everything that stores or compares a time takes one, so that cooling-off
// days, settlement windows and five-year retention are tested in milliseconds.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
