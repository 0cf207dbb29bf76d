package blocker

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
)

// Overview is what customer service sees of an account at a glance: no personal data beyond the
// masked phone, and how many of each service it holds.
type Overview struct {
	ID                  string              `json:"id"`
	Kind                purse.AccountKind   `json:"kind"`
	Status              purse.AccountStatus `json:"status"`
	PhoneMasked         string              `json:"phone_masked"`
	HasEmail            bool                `json:"has_email"`
	CertificateRequired bool                `json:"certificate_required"`
	OneClickPay         bool                `json:"one_click_pay"`
	LegalHold           bool                `json:"legal_hold"`
	CreatedAt           time.Time           `json:"created_at"`
	ClosedAt            time.Time           `json:"closed_at,omitzero"`
	Counts              Counts              `json:"counts"`
}

// Counts are the live items of each service (AP-8), as the closure check counts them.
type Counts struct {
	AutoDebits          int  `json:"auto_debits"`
	ContractsInTerm     int  `json:"contracts_in_term"`
	LinkedAccounts      int  `json:"linked_accounts"`
	OpenDisputes        int  `json:"open_disputes"`
	PendingBusiness     int  `json:"pending_business"`
	ActiveFlags         int  `json:"active_flags"`
	UnusedCoupons       int  `json:"unused_coupons"`
	BoundCards          int  `json:"bound_cards"`
	PendingTransactions int  `json:"pending_transactions"`
	OpenCreditLine      bool `json:"open_credit_line"`
}

// Overview returns the account's overview. Errors: NOT_FOUND.
func (s *Service) Overview(ctx context.Context, accountID string) (*Overview, error) {
	var o *Overview
	err := s.read(ctx, accountID, func(tx purse.Tx) error {
		var err error
		o, err = s.overview(ctx, tx, accountID)
		return err
	})
	return o, err
}

func (s *Service) overview(ctx context.Context, tx purse.Tx, accountID string) (*Overview, error) {
	// The facts' window only matters for recent withdrawals, which the overview does not show.
	f, err := tx.EligibilityFacts(ctx, accountID, tx.Now())
	if err != nil {
		return nil, err
	}
	a := f.Account
	masked, err := account.MaskedPhone(ctx, tx, s.Vault, a)
	if err != nil {
		return nil, err
	}
	return &Overview{ID: a.ID, Kind: a.Kind, Status: a.Status, PhoneMasked: masked, HasEmail: a.EmailHash != "",
		CertificateRequired: a.CertificateRequired, OneClickPay: a.OneClickPay, LegalHold: a.LegalHold,
		CreatedAt: a.CreatedAt, ClosedAt: a.ClosedAt,
		Counts: Counts{AutoDebits: f.ActiveAutoDebits, ContractsInTerm: f.ActiveContracts, LinkedAccounts: f.LinkedAccounts,
			OpenDisputes: f.OpenDisputes, PendingBusiness: f.PendingBusiness, ActiveFlags: f.ActiveFlags,
			UnusedCoupons: f.UnusedCoupons, BoundCards: f.BoundCards, PendingTransactions: f.PendingTransactions,
			OpenCreditLine: f.OpenCreditLine}}, nil
}

// Search finds accounts, live or closed, by phone or e-mail (exactly one of them), through their
// keyed hashes: the database holds neither in clear. Errors: INVALID_REQUEST, INVALID_PHONE,
// INVALID_EMAIL.
func (s *Service) Search(ctx context.Context, phone, email string) ([]*Overview, error) {
	var hash string
	switch {
	case phone != "" && email == "":
		p, err := account.NormalizePhone(phone)
		if err != nil {
			return nil, err
		}
		hash = s.Vault.Lookup("phone", p)
	case email != "" && phone == "":
		e, err := account.NormalizeEmail(email)
		if err != nil {
			return nil, err
		}
		hash = s.Vault.Lookup("email", e)
	default:
		return nil, invalid("phone", "give exactly one of phone and email")
	}
	out := []*Overview{}
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		recs, err := tx.AccountsByLookup(ctx, hash)
		if err != nil {
			return err
		}
		for _, r := range recs {
			o, err := s.overview(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// Items are every service item of an account, live and ended, for support's detail view.
type Items struct {
	AutoDebits     []*purse.AutoDebit     `json:"auto_debits"`
	Contracts      []*purse.Contract      `json:"contracts"`
	LinkedAccounts []*purse.LinkedAccount `json:"linked_accounts"`
	Disputes       []*purse.Dispute       `json:"disputes"`
	Flags          []*purse.Flag          `json:"flags"`
	Business       []*purse.BusinessFlow  `json:"business"`
	Coupons        []*purse.Coupon        `json:"coupons"`
}

// Items returns the account's items. Errors: NOT_FOUND.
func (s *Service) Items(ctx context.Context, accountID string) (*Items, error) {
	var it Items
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		if it.AutoDebits, err = tx.AutoDebits(ctx, accountID); err != nil {
			return err
		}
		if it.Contracts, err = tx.Contracts(ctx, accountID); err != nil {
			return err
		}
		for _, c := range it.Contracts {
			c.InTermNow = c.InTerm(tx.Now())
		}
		if it.LinkedAccounts, err = tx.LinkedAccounts(ctx, accountID); err != nil {
			return err
		}
		if it.Disputes, err = tx.Disputes(ctx, accountID); err != nil {
			return err
		}
		if it.Flags, err = tx.Flags(ctx, accountID); err != nil {
			return err
		}
		if it.Business, err = tx.BusinessFlows(ctx, accountID); err != nil {
			return err
		}
		for _, f := range it.Business {
			// A pending flow past its expiry no longer counts (AP-8.7); show it as it counts.
			if f.Status == "pending" && !tx.Now().Before(f.ExpiresAt) {
				f.Status = "expired"
			}
		}
		it.Coupons, err = tx.Coupons(ctx, accountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// Viewed records that an operator looked at an account or searched for one: support reads
// personal data, and who read what belongs in the audit chain too. subject is the account id, or
// "" for a search.
func (s *Service) Viewed(ctx context.Context, actor, action, subject string, data map[string]string) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		return audit.Record(ctx, tx, actor, action, subject, data)
	})
}
