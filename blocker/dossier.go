package blocker

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
)

// The console's reads of accounts. They live here beside the admin API's (Overview, Search,
// Items) so that both surfaces read through one service and audit under one vocabulary
// (audit.AdminAccountView, audit.AdminAccountSearch), each read in the transaction that records it.

// Dossier bounds: the audit events and closure requests one account page lists.
const (
	DossierTrail    = 500
	DossierClosures = 20
)

// Dossier is an account as support's account page shows it: its record, its audit trail, newest
// first, and its closure requests, newest first.
type Dossier struct {
	Account  *account.Shown
	Trail    []*purse.AuditEvent
	Closures []*purse.ClosureRequest
	Now      time.Time // the transaction's time, which lock expiries are compared with
}

// Dossier reads the account's dossier for the operator actor and audits the read
// (audit.AdminAccountView) in the same transaction. Errors: NOT_FOUND.
func (s *Service) Dossier(ctx context.Context, actor, accountID string) (*Dossier, error) {
	d := &Dossier{}
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		rec, err := tx.Account(ctx, accountID)
		if errors.Is(err, purse.ErrNotFound) {
			return notFound("account", accountID)
		}
		if err != nil {
			return err
		}
		if d.Account, err = account.Show(ctx, tx, s.Vault, rec); err != nil {
			return err
		}
		d.Now = tx.Now()
		if d.Trail, err = tx.AuditEvents(ctx, rec.ID, purse.AuditPos{}, DossierTrail); err != nil {
			return err
		}
		slices.Reverse(d.Trail)
		if d.Closures, err = tx.AccountClosures(ctx, rec.ID, DossierClosures); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.AdminAccountView, rec.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Find finds the account a console search names: a phone or e-mail finds the live account
// holding it, or else the newest closed one, through its keyed hash (the search never decrypts
// anyone's data); anything else is taken for an account id. The search is audited
// (audit.AdminAccountSearch) without the query itself, which is personal data. nil when nothing
// matches. The found account's phone is opened to show it masked, and nothing else of it.
func (s *Service) Find(ctx context.Context, actor, query string) (*account.Shown, error) {
	hash, byLogin := account.LookupLogin(s.Vault, query)
	var found *account.Shown
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		var rec *purse.AccountRecord
		var err error
		if byLogin {
			rec, err = tx.LiveAccountByLookup(ctx, hash)
			if errors.Is(err, purse.ErrNotFound) {
				rec, err = tx.LatestAccountByLookup(ctx, hash)
			}
		} else {
			rec, err = tx.Account(ctx, query)
		}
		if err != nil && !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		by, subject := "id", ""
		if byLogin {
			by = "login"
		}
		if rec != nil {
			if found, err = account.Show(ctx, tx, s.Vault, rec); err != nil {
				return err
			}
			subject = rec.ID
		}
		return audit.Record(ctx, tx, actor, audit.AdminAccountSearch, subject,
			map[string]string{"by": by, "found": strconv.FormatBool(rec != nil)})
	})
	return found, err
}
