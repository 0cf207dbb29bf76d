package purse

import (
	"context"
	"time"
)

// The batch jobs whose items are skipped after a failure (JobFailure), by the name each records.
const (
	JobCloseDue      = "closure.close_due"
	JobExpireIdle    = "closure.expire_idle"
	JobRemind        = "closure.remind"
	JobPurgePersonal = "purge-personal"
	JobPurgeRecords  = "purge-records"
)

// JobFailure is one item a batch job could not handle: the job skips it until RetryAt and goes on
// with the others, and support sees it in the console. An item that succeeds later loses its
// failure.
type JobFailure struct {
	Job      string
	Item     string // the closure request's or the account's id
	Attempts int
	Error    string // the last failure, as logged; it names ids, never personal data
	First    time.Time
	Last     time.Time
	RetryAt  time.Time
}

// JobFailureQueries store the items batch jobs failed on.
type JobFailureQueries interface {
	// JobFailureAttempts returns how often job failed on item so far (0: never, or it succeeded).
	JobFailureAttempts(ctx context.Context, job, item string) (int, error)
	// RecordJobFailure stores f, replacing the item's earlier failure but for its first time.
	RecordJobFailure(ctx context.Context, f *JobFailure) error
	// ClearJobFailures forgets the failures of job's items, which succeeded.
	ClearJobFailures(ctx context.Context, job string, items []string) error
	// JobFailures lists recorded failures, the most recent first, at most limit.
	JobFailures(ctx context.Context, limit int) ([]*JobFailure, error)
}
