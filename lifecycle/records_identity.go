package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/vault"
)

// The identity fields the AML records may keep (Policy.RecordsIdentity). purse collects no ID
// document; the name is the real name a verified account gives, the phone its login.
const (
	IdentityName  = "name"
	IdentityPhone = "phone"
)

// ParseRecordsIdentity reads the --records-identity setting: a comma list of name and phone, or
// "none".
func ParseRecordsIdentity(text string) ([]string, error) {
	text = strings.TrimSpace(text)
	if text == "none" || text == "" {
		return []string{}, nil
	}
	var out []string
	for _, f := range strings.Split(text, ",") {
		f = strings.TrimSpace(f)
		if f != IdentityName && f != IdentityPhone {
			return nil, fmt.Errorf("%q is not an identity field (name, phone)", f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Identity is what a records identity holds, once opened.
type Identity struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// recordsIdentities seals, for each account about to be erased, the identity fields the policy
// keeps under a fresh records key: taken from the account's sealed columns while its data key
// still opens them, in the erasing transaction, so that the identity outlives the data key by
// exactly the records period. An account with nothing to keep gets no record.
func (s *Service) recordsIdentities(ctx context.Context, tx purse.Tx, cands []*purse.PurgeCandidate, p Policy) error {
	if len(p.RecordsIdentity) == 0 || len(cands) == 0 {
		return nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.Account.ID
	}
	keys, err := tx.DataKeys(ctx, ids)
	if err != nil {
		return err
	}
	var out []*purse.RecordsIdentity
	for _, c := range cands {
		a := c.Account
		k, ok := keys[a.ID]
		if !ok {
			continue
		}
		key, err := s.Vault.Unwrap(a.ID, k.Wrapped)
		if errors.Is(err, vault.ErrShredded) {
			continue
		}
		if err != nil {
			return fmt.Errorf("records identity of %s: %w", a.ID, err)
		}
		var id Identity
		if slices.Contains(p.RecordsIdentity, IdentityName) {
			id.Name, err = key.Open("name", a.NameSealed)
		}
		if err == nil && slices.Contains(p.RecordsIdentity, IdentityPhone) {
			id.Phone, err = key.Open("phone", a.PhoneSealed)
		}
		if err != nil {
			// One damaged account must not stop the purge of the others (see contacts).
			if s.Log != nil {
				s.Log.WarnContext(ctx, "purge: identity does not open; no records identity kept",
					"account_id", a.ID, "error", err.Error())
			}
			continue
		}
		if id == (Identity{}) {
			continue
		}
		plain, err := json.Marshal(id)
		if err != nil {
			return err
		}
		owner := purse.RecordsKeyPrefix + a.ID
		records, wrapped, err := s.Vault.NewDataKey(owner)
		if err != nil {
			return err
		}
		out = append(out, &purse.RecordsIdentity{AccountID: a.ID, Wrapped: wrapped,
			Sealed: records.Seal("records_identity", string(plain)), Fields: strings.Join(p.RecordsIdentity, ","),
			CreatedAt: tx.Now()})
	}
	return tx.InsertRecordsIdentities(ctx, out)
}

// ReadRecordsIdentity is RecordsIdentity for an inquiry the law allows (an authority's request
// about a purged account): the actor must hold the records.identity permission (an admin, or
// purse's own CLI as "system:cli"), the reason is required, and the read is recorded in the audit
// log with who asked and why in the transaction that reads it, before anything is shown. The
// console and the admin API (GET /api/v1/admin/accounts/{id}/records-identity) and `purse
// records identity` all come here. Errors: ROLE_REQUIRED, INVALID_REQUEST (no reason; field
// reason), TEXT_CONTROL_CHARACTERS, NOT_FOUND (none kept: not purged yet, none kept under the
// policy, or the records purge deleted it).
func (s *Service) ReadRecordsIdentity(ctx context.Context, accountID, actor, reason string) (Identity, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Identity{}, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "a reason is required (it goes to the audit log)",
			Fields: []purse.FieldError{{Field: "reason", Code: purse.CodeInvalidRequest}}}
	}
	if err := purse.CheckText("reason", reason); err != nil {
		return Identity{}, err
	}
	var r *purse.RecordsIdentity
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := operator.Authorize(ctx, tx, actor, operator.ActRecordsIdentity); err != nil {
			return err
		}
		var err error
		if r, err = tx.RecordsIdentity(ctx, accountID); errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no records identity of %s", accountID)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "retention.records_identity_read", accountID, map[string]string{"reason": reason})
	})
	if err != nil {
		return Identity{}, err
	}
	return s.openRecordsIdentity(accountID, r)
}

// RecordsIdentity opens the identity the AML records keep of a purged account (the records key
// opens it; the account's data key is long gone). It fails with purse.ErrNotFound when none is
// kept: none was kept under the policy, or the records purge deleted it.
func (s *Service) RecordsIdentity(ctx context.Context, accountID string) (Identity, error) {
	var r *purse.RecordsIdentity
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		r, err = tx.RecordsIdentity(ctx, accountID)
		return err
	})
	if err != nil {
		return Identity{}, err
	}
	return s.openRecordsIdentity(accountID, r)
}

// openRecordsIdentity opens a records identity with its records key.
func (s *Service) openRecordsIdentity(accountID string, r *purse.RecordsIdentity) (Identity, error) {
	key, err := s.Vault.Unwrap(purse.RecordsKeyPrefix+accountID, r.Wrapped)
	if err != nil {
		return Identity{}, fmt.Errorf("records identity of %s: %w", accountID, err)
	}
	plain, err := key.Open("records_identity", r.Sealed)
	if err != nil {
		return Identity{}, fmt.Errorf("records identity of %s: %w", accountID, err)
	}
	var id Identity
	if err := json.Unmarshal([]byte(plain), &id); err != nil {
		return Identity{}, fmt.Errorf("records identity of %s: %w", accountID, err)
	}
	return id, nil
}
