// Package lifecycle runs purse's data retention (DESIGN.md §3): the personal-data purge that
// crypto-shreds a closed account when its retention ends (GE-8), the purge of the AML records
// when the records period ends, and the legal hold that stops both.
package lifecycle

import "time"

// Policy is the operator's retention configuration.
type Policy struct {
	// Personal is how long after closure personal data is kept (default 30 days, GE-8).
	Personal Period
	// Records is how long after closure the AML records are kept (default 5 years: the AML law
	// keeps records five years after the business relationship ends; some operators keep 10).
	Records Period
	// RecordsIdentity are the identity fields the AML records keep after the personal-data purge,
	// sealed under a records key of their own, until the records purge (default name and phone:
	// the PRC AML law keeps customer identity records with the transaction records, five years
	// after the relationship ends). Empty keeps none; DefaultPolicy's list is used when nil.
	RecordsIdentity []string
	// NoticeWait is the longest the erasure waits for the data_erased notice to be delivered
	// before it erases the address anyway (default 72 hours).
	NoticeWait time.Duration
	// Batch is how many accounts one job transaction erases, and how many it notices (default
	// 500). Every step is one statement per table for the whole batch, so a larger batch costs
	// fewer commits; 500 keeps a transaction to a few tens of milliseconds.
	Batch int
	// NoticeBacklog is how many data_erased notices the purge lets wait in the outbox before it
	// notices more accounts (default 2,000, and at least 4 batches).
	NoticeBacklog int
	// ScrubEvery is how often, at most, the purges scrub the older copies of what they erased
	// while they keep erasing; a run that finds nothing left to do scrubs at once. Zero scrubs
	// after every batch that erased, as on SQLite, where a scrub checkpoints what the batches
	// wrote; app sets TableScrubEvery on PostgreSQL, where a scrub rewrites partitions. A
	// non-zero ScrubEvery also waits nine times the last scrub's length where that is longer
	// (Service.scrub).
	ScrubEvery time.Duration
}

// TableScrubEvery is ScrubEvery on a store whose scrub rewrites files (PostgreSQL: the partitions
// the erasures wrote, a fixed cost each, nearly all of them after a batch of 500): the jobs' tick.
// A scrub per batch there, when it rewrote whole tables, made the purge twelve times slower beside
// 300,000 accounts than beside 10,000 (issue 19). A SQLite scrub checkpoints the write-ahead log, whose
// size is what the batches since the last one wrote: it stays after every batch, and the WAL
// with it stays one batch long.
const TableScrubEvery = time.Minute

// DefaultPolicy is the policy when the operator sets nothing.
var DefaultPolicy = Policy{Personal: Period{Days: 30}, Records: Period{Years: 5}, NoticeWait: 72 * time.Hour,
	Batch: 500, NoticeBacklog: 2000, RecordsIdentity: []string{IdentityName, IdentityPhone}}

func (p Policy) withDefaults() Policy {
	if p.Personal == (Period{}) {
		p.Personal = DefaultPolicy.Personal
	}
	if p.Records == (Period{}) {
		p.Records = DefaultPolicy.Records
	}
	if p.RecordsIdentity == nil {
		p.RecordsIdentity = DefaultPolicy.RecordsIdentity
	}
	if p.NoticeWait == 0 {
		p.NoticeWait = DefaultPolicy.NoticeWait
	}
	if p.Batch <= 0 {
		p.Batch = DefaultPolicy.Batch
	}
	if p.NoticeBacklog <= 0 {
		p.NoticeBacklog = max(DefaultPolicy.NoticeBacklog, 4*p.Batch)
	}
	return p
}
