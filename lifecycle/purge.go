package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/vault"
)

// Service runs the retention jobs and the legal hold.
type Service struct {
	Store   purse.Store
	Vault   *vault.Vault
	Catalog *i18n.Catalog
	Log     *slog.Logger
	Policy  Policy
	// Erasers let other domains erase the personal data their own tables hold (a closure's
	// free-text reason, a verification's contact) in the erasing transaction; RecordPurgers
	// likewise remove their AML-period rows in the records transaction. app wires them.
	Erasers       []Hook
	RecordPurgers []Hook
	// DocumentLinks, if set, makes for a batch of accounts (id → language) the links to their
	// closure documents that the data_erased notices carry (where the erasure receipt appears
	// once the erasure ran; issue 16); an account without one is left out. Erased, if set, runs
	// once per erased batch after the erasure, in its transaction (the receipts). app wires
	// closure.Service.ErasureLinks and IssueReceipts.
	DocumentLinks func(ctx context.Context, tx purse.Tx, langs map[string]string) (map[string]Link, error)
	Erased        func(ctx context.Context, tx purse.Tx, accountIDs []string) error

	// Clock times the scrubs (scrubPace); nil leaves their length out of the pace.
	Clock purse.Clock

	// toScrub is what is left to scrub (scrubNone, scrubOnceMore, scrubErased), scrubbed when
	// (store clock, Unix microseconds) the last scrub ran and scrubTook how long it took
	// (microseconds): see scrub. Plain integers used through sync/atomic rather than atomic
	// types, so that a test may copy a Service.
	toScrub   int32
	scrubbed  int64
	scrubTook int64
}

// Link is a documents link as a notice shows it: the URL and its end, in the reader's language.
type Link struct{ URL, Until string }

// Hook acts on one account inside a retention transaction; an error rolls the batch back.
type Hook func(ctx context.Context, tx purse.Tx, accountID string) error

// Tasks are the retention jobs for the runner. Each batch is one transaction that claims its
// accounts (FOR UPDATE SKIP LOCKED on PostgreSQL), so several instances share the work; every
// step records its progress in purge_state in the transaction that does it, so a crash loses at
// most the batch in flight, which the next run does again. purge-personal runs every minute: a
// run stops when the notices it sent wait in the outbox (NoticeBacklog), and the next one erases
// the accounts whose notice went out meanwhile; a run with nothing due costs three index reads.
func (s *Service) Tasks() []jobs.Task {
	p := s.Policy.withDefaults()
	return []jobs.Task{
		{Name: "purge-personal", Every: time.Minute, Batch: p.Batch, Run: s.PurgePersonal},
		{Name: "purge-records", Every: 6 * time.Hour, Batch: p.Batch, Run: s.PurgeRecords},
	}
}

// PurgePersonal does one batch of the personal-data purge (GE-8) and returns how many accounts
// moved on. Each due account goes through two steps:
//
//  1. notice: a data_erased notice is enqueued to the last known e-mail (or phone), which is
//     decrypted for it. The outbox stores its recipient and body in clear, so the notice cannot
//     be written in the erasing transaction: erasure scrubs every outbox row of the account, and
//     the notice would be scrubbed before anyone sent it. An account with no address left is
//     erased at once.
//  2. erase, in a later run, once the notice left the outbox (sent or failed) or NoticeWait
//     passed, whichever is first: the data key is destroyed, the plaintext-derived columns and
//     the account's personal rows erased, the outbox rows to its addresses scrubbed (the notice
//     included, so its address does not outlive the purge), and the account becomes purged.
//
// One run erases up to Batch accounts whose notice left, then notices up to Batch more, but only
// while fewer than NoticeBacklog notices wait in the outbox: the purge goes at the pace the outbox
// delivers instead of piling up notices, which keeps the claims short and leaves the outbox (and,
// on SQLite, the single writer) time to deliver. Every step is one statement per table for the
// whole batch.
//
// The address therefore lives at most NoticeWait past the retention period, and only in the
// outbox row that is about to carry it.
//
// The batch goes in one savepoint; if it fails, each account goes in a savepoint of its own
// (jobs.Batch), so that one account whose data cannot be read or erased is recorded, skipped for
// a while and shown to support, and every other account's legally required erasure still runs.
func (s *Service) PurgePersonal(ctx context.Context) (int, error) {
	p := s.Policy.withDefaults()
	var now time.Time
	b := &jobs.Batch[*purgeItem]{Job: purse.JobPurgePersonal, Store: s.Store, Log: s.Log, ID: purgeID,
		Claim: func(ctx context.Context, tx purse.Tx) ([]*purgeItem, error) {
			now = tx.Now()
			return s.claimPersonal(ctx, tx, p)
		},
		All: func(ctx context.Context, tx purse.Tx, items []*purgeItem) error {
			return s.purgePersonal(ctx, tx, items, p)
		},
		Each: func(ctx context.Context, tx purse.Tx, item *purgeItem) error {
			return s.purgePersonal(ctx, tx, []*purgeItem{item}, p)
		},
	}
	done, err := b.RunItems(ctx)
	if err != nil {
		return 0, err
	}
	erased := 0
	for _, it := range done {
		if it.erased {
			erased++
		}
	}
	return len(done), s.scrub(ctx, erased, len(done), now, p)
}

// purgeItem is an account the personal-data purge claimed: to notice (fresh) or to erase.
type purgeItem struct {
	*purse.PurgeCandidate
	fresh  bool
	erased bool // its erasure is written (set by purgePersonal)
}

func purgeID(it *purgeItem) string { return it.Account.ID }

// claimPersonal locks the accounts whose notice left, then those to notice, as long as the
// outbox has room for their notices.
func (s *Service) claimPersonal(ctx context.Context, tx purse.Tx, p Policy) ([]*purgeItem, error) {
	now := tx.Now()
	due, waited := p.Personal.Before(now), now.Add(-p.NoticeWait)
	ready, err := tx.NoticedForErasure(ctx, purse.PurgeClaimParams{ClosedBefore: due, NoticedBefore: waited, Limit: p.Batch})
	if err != nil {
		return nil, err
	}
	pending, err := tx.PendingNotices(ctx, waited)
	if err != nil {
		return nil, err
	}
	var fresh []*purse.PurgeCandidate
	if room := min(p.Batch, p.NoticeBacklog-pending); room > 0 {
		if fresh, err = tx.ClosedForNotice(ctx, due, room); err != nil {
			return nil, err
		}
	}
	items := make([]*purgeItem, 0, len(ready)+len(fresh))
	for _, c := range ready {
		items = append(items, &purgeItem{PurgeCandidate: c})
	}
	for _, c := range fresh {
		items = append(items, &purgeItem{PurgeCandidate: c, fresh: true})
	}
	return items, nil
}

// purgePersonal takes items one step on: the fresh ones get their notice (and are erased at once
// if they have no address), the others are erased.
func (s *Service) purgePersonal(ctx context.Context, tx purse.Tx, items []*purgeItem, p Policy) error {
	var all, ready, fresh []*purse.PurgeCandidate
	byID := make(map[string]*purgeItem, len(items))
	for _, it := range items {
		it.erased = false
		all = append(all, it.PurgeCandidate)
		byID[it.Account.ID] = it
		if it.fresh {
			fresh = append(fresh, it.PurgeCandidate)
		} else {
			ready = append(ready, it.PurgeCandidate)
		}
	}
	contacts, err := s.contacts(ctx, tx, all)
	if err != nil {
		return err
	}
	silent, err := s.notice(ctx, tx, fresh, contacts, p)
	if err != nil {
		return err
	}
	gone := append(ready, silent...)
	if err := s.erase(ctx, tx, gone, contacts, p); err != nil {
		return err
	}
	for _, c := range gone {
		byID[c.Account.ID].erased = true
	}
	return nil
}

// ErrOlderCopiesRemain is the purge's error when its erasure committed but the scrub that follows
// could not finish (a SQLite reader held an older snapshot past the busy timeout, a PostgreSQL
// VACUUM was refused): the count the run returns beside it is true, and the next run scrubs again.
var ErrOlderCopiesRemain = errors.New("purge: erased, but older copies may remain in the database files until the next run")

// scrub removes the older copies of what a committed erasure changed from the live database
// files (purse.Store.Scrub): the SQLite write-ahead log, PostgreSQL's dead row versions. Without
// it the WAL of a quiet SQLite store kept the phone, the e-mail and the wrapped data key for
// ever, and PostgreSQL's heap kept the destroyed key byte for byte. It runs once more after the
// scrub that followed an erasure: a PostgreSQL transaction that was open during the erasure
// keeps VACUUM from removing what it may still see, and by the next minute it has usually ended.
// A failed scrub fails the run (the erasure itself is committed) and is tried again at the next.
//
// It runs after a batch that erased something when the last scrub is ScrubEvery old (the first
// erasure scrubs at once; with ScrubEvery zero, after every such batch), and at a run that found
// nothing to do while something is left to scrub, so the older copies outlive their erasure by at
// most about ScrubEvery. On PostgreSQL not after every batch: there a scrub rewrites every
// partition the batches since the last one wrote, at a fixed cost each (file syncs), and a batch of
// 500 accounts writes nearly all of them; VACUUM's index cleanup also reads every index of a table
// with a dead row. When the scrub rewrote whole tables, a scrub per batch made the purge of 1,000
// accounts twelve times slower beside 300,000 accounts than beside 10,000 (issue 19, `purse bench
// scale`, sessions 9 and 10). A rewrite's cost grows with its partition, so on a large store a
// scrub can itself last most of a minute (about 150 s at 3 million accounts, extrapolated): while
// the purge goes on erasing, the next scrub also waits scrubPace times the last one's length, so
// scrubbing takes at most about a tenth of a draining purge's time at any size. The run that finds
// nothing left still scrubs at once.
func (s *Service) scrub(ctx context.Context, erased, moved int, now time.Time, p Policy) error {
	if erased > 0 {
		atomic.StoreInt32(&s.toScrub, scrubErased)
	}
	left := atomic.LoadInt32(&s.toScrub)
	if left == scrubNone {
		return nil
	}
	last := atomic.LoadInt64(&s.scrubbed)
	if moved > 0 && last != 0 && now.Sub(time.UnixMicro(last)) < s.scrubWait(p) {
		return nil
	}
	start := s.clockNow()
	err := s.Store.Scrub(ctx)
	if errors.Is(err, purse.ErrScrubBusy) {
		// Another instance's scrub is running, and may have started before this erasure
		// committed: what is left stays to scrub, at this purge's next batch or run.
		return nil
	}
	atomic.StoreInt64(&s.scrubTook, s.clockNow().Sub(start).Microseconds())
	if errors.Is(err, purse.ErrScrubUnfinished) {
		// The run's deadline came before the last rewrites, or a partition's lock did not come in
		// time (a transaction still read it): those done are done, the rest stay pending in the
		// store, and what is left to scrub stays as it was, for the next scrub at the pace this
		// one's length sets. A failed run here made every run of a large store's
		// purge fail (issue 19, 3 million accounts).
		atomic.StoreInt64(&s.scrubbed, now.UnixMicro())
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOlderCopiesRemain, err)
	}
	atomic.StoreInt64(&s.scrubbed, now.UnixMicro())
	next := int32(scrubNone)
	if left == scrubErased {
		next = scrubOnceMore
	}
	// An erasure that committed meanwhile (another batch of this instance) set scrubErased: it stays.
	atomic.CompareAndSwapInt32(&s.toScrub, left, next)
	return nil
}

// LeftToScrub says whether erasures of this service are still to be scrubbed (or scrubbed once
// more): the next run scrubs, at once if it finds nothing else to do.
func (s *Service) LeftToScrub() bool { return atomic.LoadInt32(&s.toScrub) != scrubNone }

// scrubPace is how many times its own length the last scrub makes the next wait while a purge
// keeps erasing (on a store with a ScrubEvery): scrubbing takes at most about a tenth of the time.
const scrubPace = 9

// scrubWait is how long after the last scrub a purge that keeps erasing scrubs again: ScrubEvery,
// or scrubPace times the last scrub's length where that is longer. Zero (SQLite) stays zero.
func (s *Service) scrubWait(p Policy) time.Duration {
	if p.ScrubEvery == 0 {
		return 0
	}
	took := time.Duration(atomic.LoadInt64(&s.scrubTook)) * time.Microsecond
	return max(p.ScrubEvery, scrubPace*took)
}

func (s *Service) clockNow() time.Time {
	if s.Clock == nil {
		return time.Time{}
	}
	return s.Clock.Now()
}

// What is left to scrub.
const (
	scrubNone     = 0 // nothing
	scrubOnceMore = 1 // the versions a transaction open during the last scrub may have kept
	scrubErased   = 2 // erasures not scrubbed yet
)

// notice enqueues the data_erased notice of every account in cands and records the step; it
// returns the accounts with no address to notify, which are erased in the same transaction.
func (s *Service) notice(ctx context.Context, tx purse.Tx, cands []*purse.PurgeCandidate, contacts map[string]contact, p Policy) ([]*purse.PurgeCandidate, error) {
	var notices []notify.Notice
	var noticed, silent []*purse.PurgeCandidate
	states := make([]*purse.PurgeState, 0, len(cands))
	for _, c := range cands {
		c.State.NoticedAt = tx.Now()
		states = append(states, &c.State)
		if n, ok := contacts[c.Account.ID].notice(c.Account, p); ok {
			if s.Catalog != nil {
				// In the operator's zone, as the certificate and the receipt show them (issue 16).
				n.Data["ClosedAt"] = s.Catalog.FormatTime(n.Language, c.Account.ClosedAt)
				n.Data["RecordsUntil"] = s.Catalog.FormatTime(n.Language, p.Records.After(c.Account.ClosedAt))
			}
			notices, noticed = append(notices, n), append(noticed, c)
		} else {
			silent = append(silent, c)
		}
	}
	if s.DocumentLinks != nil && len(notices) > 0 {
		langs := make(map[string]string, len(notices))
		for _, n := range notices {
			langs[n.AccountID] = n.Language
		}
		links, err := s.DocumentLinks(ctx, tx, langs)
		if err != nil {
			return nil, err
		}
		for i := range notices {
			if l, ok := links[notices[i].AccountID]; ok {
				notices[i].Data["Link"], notices[i].Data["LinkUntil"] = l.URL, l.Until
			}
		}
	}
	msgs, err := notify.EnqueueAll(ctx, tx, s.Catalog, notices)
	if err != nil {
		return nil, err
	}
	for i, m := range msgs {
		noticed[i].State.NoticeID = m.ID
	}
	if err := tx.InsertPurgeStates(ctx, states); err != nil {
		return nil, err
	}
	return silent, nil
}

// erase crypto-shreds the accounts in cands and erases their personal data, one statement per
// table for the batch, and records one audit event per account.
func (s *Service) erase(ctx context.Context, tx purse.Tx, cands []*purse.PurgeCandidate, contacts map[string]contact, p Policy) error {
	if len(cands) == 0 {
		return nil
	}
	ids := make([]string, len(cands))
	erasures := make([]purse.Erasure, len(cands))
	for i, c := range cands {
		ids[i] = c.Account.ID
		ct := contacts[c.Account.ID]
		erasures[i] = purse.Erasure{AccountID: c.Account.ID, Addresses: []string{ct.phone, ct.email},
			SentBefore: c.Account.ClosedAt}
	}
	rows, err := tx.ErasePersonalRows(ctx, erasures)
	if err != nil {
		return err
	}
	for _, id := range ids {
		for _, h := range s.Erasers {
			if err := h(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	// The identity the AML records keep is sealed under its records key before the data key that
	// opens it goes (Policy.RecordsIdentity).
	if err := s.recordsIdentities(ctx, tx, cands, p); err != nil {
		return err
	}
	if err := tx.DestroyDataKeys(ctx, ids, tx.Now()); err != nil {
		return err
	}
	// The accounts are locked by the claim and closed: anything else means another writer got in,
	// and the batch is rolled back rather than half done.
	if n, err := tx.ErasePersonalColumns(ctx, ids, tx.Now()); err != nil {
		return err
	} else if n != len(ids) {
		return fmt.Errorf("purge personal data: %d of %d accounts were no longer closed", len(ids)-n, len(ids))
	}
	if err := tx.MarkErased(ctx, ids, tx.Now()); err != nil {
		return err
	}
	if s.Erased != nil {
		if err := s.Erased(ctx, tx, ids); err != nil {
			return err
		}
	}
	// The events name each account by its pseudonymous id only.
	entries := make([]audit.Entry, len(cands))
	for i, c := range cands {
		entries[i] = audit.Entry{Subject: c.Account.ID, Data: map[string]string{
			"closed_at": c.Account.ClosedAt.UTC().Format(time.RFC3339), "retention": p.Personal.String(),
			"rows_erased": strconv.Itoa(rows[c.Account.ID]), "key_destroyed": "true"}}
	}
	return audit.RecordAll(ctx, tx, "system", "retention.personal_erased", entries)
}

// PurgeRecords does one batch of the AML records purge: purged accounts whose records period
// ended lose their ledger transactions (where every party's period ended; see
// purse.RetentionQueries.PurgeRecords) and their service rows.
func (s *Service) PurgeRecords(ctx context.Context) (int, error) {
	p := s.Policy.withDefaults()
	var now time.Time
	b := &jobs.Batch[*purse.PurgeCandidate]{Job: purse.JobPurgeRecords, Store: s.Store, Log: s.Log,
		ID: func(c *purse.PurgeCandidate) string { return c.Account.ID },
		Claim: func(ctx context.Context, tx purse.Tx) ([]*purse.PurgeCandidate, error) {
			now = tx.Now()
			// Records batches run one at a time: whether a shared transaction may go depends on
			// the other party's records having been purged, and two batches deciding it at once
			// (each seeing the other's account as not yet purged) would both keep it for ever.
			// Chain 0's audit head is the lock: one row every batch can take.
			if _, _, err := tx.LockAuditHead(ctx, 0); err != nil {
				return nil, err
			}
			return tx.PurgedForRecords(ctx, p.Records.Before(tx.Now()), p.Batch)
		},
		// Each account in a savepoint of its own (jobs.Batch): one that fails is recorded and
		// skipped for a while, and the others' records still go.
		Each: func(ctx context.Context, tx purse.Tx, c *purse.PurgeCandidate) error {
			n, err := tx.PurgeRecords(ctx, c.Account.ID, tx.Now())
			if err != nil {
				return err
			}
			for _, h := range s.RecordPurgers {
				if err := h(ctx, tx, c.Account.ID); err != nil {
					return err
				}
			}
			c.State.RecordsPurgedAt = tx.Now()
			if err := tx.SavePurgeState(ctx, &c.State); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "system", "retention.records_purged", c.Account.ID, map[string]string{
				"closed_at": c.Account.ClosedAt.UTC().Format(time.RFC3339), "retention": p.Records.String(),
				"transactions_removed": strconv.Itoa(n)})
		},
	}
	done, err := b.Run(ctx)
	if err != nil {
		return done, err
	}
	return done, s.scrub(ctx, done, done, now, p)
}
