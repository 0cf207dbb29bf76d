package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
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
}

// Hook acts on one account inside a retention transaction; an error rolls the batch back.
type Hook func(ctx context.Context, tx purse.Tx, accountID string) error

// Tasks are the retention jobs for the runner. Each batch is one transaction that claims its
// accounts (FOR UPDATE SKIP LOCKED on PostgreSQL), so several instances share the work; every
// step records its progress in purge_state in the transaction that does it, so a crash loses at
// most the batch in flight, which the next run does again.
func (s *Service) Tasks() []jobs.Task {
	p := s.Policy.withDefaults()
	return []jobs.Task{
		{Name: "purge-personal", Every: time.Hour, Batch: p.Batch, Run: s.PurgePersonal},
		{Name: "purge-records", Every: 6 * time.Hour, Batch: p.Batch, Run: s.PurgeRecords},
	}
}

// PurgePersonal does one batch of the personal-data purge (GE-8) and returns how many accounts
// moved on. Each due account goes through two steps:
//
//  1. notice: a data_erased notice is enqueued to the last known e-mail (or phone), which is
//     decrypted for it. The outbox stores its recipient and body in clear, so the notice cannot
//     be written in the erasing transaction: erasure scrubs every outbox row of the account, and
//     the notice would be scrubbed before anyone sent it.
//  2. erase, in a later run, once the notice left the outbox (sent or failed) or NoticeWait
//     passed, whichever is first: the data key is destroyed, the plaintext-derived columns and
//     the account's personal rows erased, the outbox rows to its addresses scrubbed (the notice
//     included, so its address does not outlive the purge), and the account becomes purged.
//
// The address therefore lives at most NoticeWait past the retention period, and only in the
// outbox row that is about to carry it.
func (s *Service) PurgePersonal(ctx context.Context) (int, error) {
	p := s.Policy.withDefaults()
	done := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		done = 0
		now := tx.Now()
		cands, err := tx.ClosedForPurge(ctx, p.Personal.Before(now), now.Add(-p.NoticeWait), p.Batch)
		if err != nil {
			return err
		}
		for _, c := range cands {
			if err := s.personal(ctx, tx, c, p); err != nil {
				return fmt.Errorf("purge personal data of %s: %w", c.Account.ID, err)
			}
			done++
		}
		return nil
	})
	return done, err
}

func (s *Service) personal(ctx context.Context, tx purse.Tx, c *purse.PurgeCandidate, p Policy) error {
	a := c.Account
	contact, err := s.contact(ctx, tx, a)
	if err != nil {
		return err
	}
	if c.State.NoticedAt.IsZero() {
		c.State.NoticedAt = tx.Now()
		if n, ok := contact.notice(a, p); ok {
			m, err := notify.Enqueue(ctx, tx, s.Catalog, n)
			if err != nil {
				return err
			}
			c.State.NoticeID = m.ID
		}
		if err := tx.SavePurgeState(ctx, &c.State); err != nil {
			return err
		}
		if c.State.NoticeID != "" {
			return nil // erase in a later run, after delivery
		}
	}
	rows, err := tx.ErasePersonalRows(ctx, a.ID, []string{contact.phone, contact.email}, a.ClosedAt)
	if err != nil {
		return err
	}
	for _, h := range s.Erasers {
		if err := h(ctx, tx, a.ID); err != nil {
			return err
		}
	}
	if err := tx.DestroyDataKey(ctx, a.ID, tx.Now()); err != nil {
		return err
	}
	a.PhoneHash, a.EmailHash, a.PhoneMasked = "", "", ""
	a.PhoneSealed, a.EmailSealed, a.NameSealed = nil, nil, nil
	a.PasswordHash, a.PaymentPasswordHash, a.CertificateID = "", "", ""
	a.Status, a.PurgedAt, a.UpdatedAt = purse.StatusPurged, tx.Now(), tx.Now()
	if err := tx.UpdateAccount(ctx, a); err != nil {
		return err
	}
	c.State.ErasedAt = tx.Now()
	if err := tx.SavePurgeState(ctx, &c.State); err != nil {
		return err
	}
	// The event names the account by its pseudonymous id only.
	return audit.Record(ctx, tx, "system", "retention.personal_erased", a.ID, map[string]string{
		"closed_at": a.ClosedAt.UTC().Format(time.RFC3339), "retention": p.Personal.String(),
		"rows_erased": strconv.Itoa(rows), "key_destroyed": "true"})
}

type contact struct{ phone, email string }

// contact decrypts the account's phone and e-mail; an account whose key is already gone (an
// earlier, interrupted erasure) has none. A wrapped key that does not open fails the batch: the
// likely cause is a wrong master key, and erasing every due account without its notice would be
// the wrong answer to that. A value that does not open under a good key is one damaged account:
// it is logged and erased without a notice, so it cannot stop the purge of the others.
func (s *Service) contact(ctx context.Context, tx purse.Tx, a *purse.AccountRecord) (contact, error) {
	k, err := tx.DataKey(ctx, a.ID)
	if errors.Is(err, purse.ErrNotFound) {
		return contact{}, nil
	}
	if err != nil {
		return contact{}, err
	}
	key, err := s.Vault.Unwrap(a.ID, k.Wrapped)
	if errors.Is(err, vault.ErrShredded) {
		return contact{}, nil
	}
	if err != nil {
		return contact{}, fmt.Errorf("%w (is the master key right?)", err)
	}
	var c contact
	c.phone, err = key.Open("phone", a.PhoneSealed)
	if err == nil {
		c.email, err = key.Open("email", a.EmailSealed)
	}
	if err != nil {
		if s.Log != nil {
			s.Log.WarnContext(ctx, "purge: personal data does not open; erasing without a notice",
				"account_id", a.ID, "error", err.Error())
		}
		return contact{}, nil
	}
	return c, nil
}

// notice is the data_erased notice: by e-mail where there is one, else by SMS (AP-5).
func (c contact) notice(a *purse.AccountRecord, p Policy) (notify.Notice, bool) {
	n := notify.Notice{AccountID: a.ID, Template: "data_erased", Language: a.Language,
		Data: map[string]string{"ClosedAt": a.ClosedAt.UTC().Format("2006-01-02"),
			"RecordsUntil": p.Records.After(a.ClosedAt).UTC().Format("2006-01-02")}}
	switch {
	case c.email != "":
		n.Channel, n.To = purse.ChannelEmail, c.email
	case c.phone != "":
		n.Channel, n.To = purse.ChannelSMS, c.phone
	default:
		return n, false
	}
	return n, true
}

// PurgeRecords does one batch of the AML records purge: purged accounts whose records period
// ended lose their ledger transactions (where every party's period ended; see
// purse.RetentionQueries.PurgeRecords) and their service rows.
func (s *Service) PurgeRecords(ctx context.Context) (int, error) {
	p := s.Policy.withDefaults()
	done := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		done = 0
		// Records batches run one at a time: whether a shared transaction may go depends on the
		// other party's records having been purged, and two batches deciding it at once (each
		// seeing the other's account as not yet purged) would both keep it for ever. The audit
		// head is the lock every batch takes anyway to record what it did.
		if _, _, err := tx.LockAuditHead(ctx); err != nil {
			return err
		}
		cands, err := tx.PurgedForRecords(ctx, p.Records.Before(tx.Now()), p.Batch)
		if err != nil {
			return err
		}
		for _, c := range cands {
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
			if err := audit.Record(ctx, tx, "system", "retention.records_purged", c.Account.ID, map[string]string{
				"closed_at": c.Account.ClosedAt.UTC().Format(time.RFC3339), "retention": p.Records.String(),
				"transactions_removed": strconv.Itoa(n)}); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}
