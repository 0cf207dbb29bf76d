package blocker

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// AddContract records a merchant contract with a term (AP-8.9) on a merchant account. startsAt
// zero means now. Errors: NOT_FOUND, ACCOUNT_NOT_ACTIVE, NOT_MERCHANT, INVALID_REQUEST (title, or
// a term that does not end after it starts and after now).
func (s *Service) AddContract(ctx context.Context, actor, accountID, title string, startsAt, endsAt time.Time) (*purse.Contract, error) {
	title, err := text("title", title, 200)
	if err != nil {
		return nil, err
	}
	c := &purse.Contract{ID: purse.NewID(), AccountID: accountID, Title: title, Status: "active"}
	err = s.change(ctx, actor, accountID, audit.AdminContractCreate, newBusiness, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		if acct.Kind != purse.KindMerchant {
			return nil, purse.Errorf(CodeNotMerchant, "account kind is %s", acct.Kind)
		}
		now := tx.Now()
		c.CreatedAt, c.StartsAt, c.EndsAt = now, startsAt.UTC(), endsAt.UTC()
		if startsAt.IsZero() {
			c.StartsAt = now
		}
		if !c.EndsAt.After(c.StartsAt) || !c.EndsAt.After(now) {
			return nil, invalid("ends_at", "ends_at must be after starts_at and in the future")
		}
		c.InTermNow = c.InTerm(now)
		return map[string]string{"contract_id": c.ID, "ends_at": c.EndsAt.Format(time.RFC3339)}, tx.InsertContract(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Contracts lists the account's contracts, newest first; InTermNow says which still bind. NOT_FOUND
// for no such account.
func (s *Service) Contracts(ctx context.Context, accountID string) ([]*purse.Contract, error) {
	var out []*purse.Contract
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.Contracts(ctx, accountID)
		for _, c := range out {
			c.InTermNow = c.InTerm(tx.Now())
		}
		return err
	})
	return out, err
}

// RequestTermination is a merchant's request to end a contract before its term (AP-8.9's remedy
// on the user's side): it is recorded on the contract and audited, and support, who lists the
// pending requests on the account's console page, decides by terminating it (TerminateContract)
// or not. Nothing ends by the request alone: the contract binds both sides. Errors: NOT_FOUND,
// CONTRACT_NOT_IN_TERM (ended, or past its end: nothing to ask), CONTRACT_TERMINATION_PENDING,
// INVALID_REQUEST (no reason, or over 500 characters), TEXT_CONTROL_CHARACTERS.
func (s *Service) RequestTermination(ctx context.Context, accountID, id, reason string) (*purse.Contract, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "a reason of 1 to 500 characters",
			Fields: []purse.FieldError{{Field: "reason", Code: purse.CodeInvalidRequest}}}
	}
	if err := purse.CheckText("reason", reason); err != nil {
		return nil, err
	}
	var c *purse.Contract
	err := s.change(ctx, AccountActor(accountID), accountID, "contract.termination_requested", anyStatus,
		func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
			var err error
			if c, err = tx.Contract(ctx, accountID, id); err != nil {
				return nil, item(err, "contract", id)
			}
			now := tx.Now()
			switch {
			case !c.InTerm(now):
				return nil, purse.Errorf(CodeContractNotInTerm, "contract %s is not in term", id)
			case !c.TerminationRequestedAt.IsZero():
				return nil, purse.Errorf(CodeContractTerminationPending, "already asked on %s", c.TerminationRequestedAt)
			}
			if err := tx.RequestContractTermination(ctx, accountID, id, reason, now); err != nil {
				return nil, err
			}
			c.TerminationRequestedAt, c.TerminationReason, c.InTermNow = now, reason, true
			return map[string]string{"contract_id": id}, nil
		})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// TerminateContract ends a contract before its term (AP-8.9's remedy, an operator's decision).
// A terminated contract answers again unchanged. Errors: NOT_FOUND.
func (s *Service) TerminateContract(ctx context.Context, actor, accountID, id string) (*purse.Contract, error) {
	var c *purse.Contract
	err := s.change(ctx, actor, accountID, audit.AdminContractTerminate, anyStatus, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		var err error
		if c, err = tx.Contract(ctx, accountID, id); err != nil {
			return nil, item(err, "contract", id)
		}
		if c.Status == "active" {
			if err := tx.EndContract(ctx, accountID, id, tx.Now()); err != nil {
				return nil, err
			}
			c.Status, c.EndedAt = "terminated", tx.Now()
			c.InTermNow = false
			return map[string]string{"contract_id": id}, nil
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetKind changes an account's kind (AP-6), e.g. to make it a merchant that can hold contracts.
// Errors: NOT_FOUND, INVALID_REQUEST (kind), ACCOUNT_NOT_ACTIVE.
func (s *Service) SetKind(ctx context.Context, actor, accountID string, kind purse.AccountKind) error {
	switch kind {
	case purse.KindUnverified, purse.KindMobile, purse.KindVerified, purse.KindMerchant:
	default:
		return invalid("kind", "kind must be unverified, mobile, verified or merchant")
	}
	return s.change(ctx, actor, accountID, audit.AdminAccountKind, newBusiness, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		if acct.Kind == kind {
			return nil, nil
		}
		data := map[string]string{"from": string(acct.Kind), "to": string(kind)}
		acct.Kind, acct.UpdatedAt = kind, tx.Now()
		return data, tx.UpdateAccount(ctx, acct)
	})
}
