// Package account registers wallet accounts, signs them in and out, and reads them back with their
// personal data decrypted.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/vault"
)

// Sign-in limits (issue 2): five wrong passwords lock sign-in for fifteen minutes.
const (
	MaxLoginFailures = 5
	LoginLock        = 15 * time.Minute
	SessionLifetime  = 7 * 24 * time.Hour
)

// Service is the account service.
type Service struct {
	Store  purse.Store
	Vault  *vault.Vault
	Hasher *secret.Hasher // login passwords
	// PINs verifies payment passwords with a key derived from the master key (issue 19).
	PINs  *secret.PINs
	Clock purse.Clock
	Log   *slog.Logger
	// Catalog renders the security notices (IM-8); app sets it.
	Catalog *i18n.Catalog
	// SessionCacheTTL is how long Authenticate trusts a lookup (0: DefaultSessionCacheTTL; negative:
	// no cache). The cache needs a store that reports changes (sqlstore does); see sessionCache.
	SessionCacheTTL time.Duration
	// RegistrationFloor is the least time StartRegistration and CompleteRegistration take, so that
	// their time does not tell whether a phone has a wallet (issue 14); app sets
	// DefaultRegistrationFloor.
	RegistrationFloor time.Duration
	// RequireTwoStep is the operator's policy that every account passes a second step on a new
	// device (GE-7): an SMS code unless the holder turned on an authenticator app.
	RequireTwoStep bool

	cacheOnce sync.Once
	cache     *sessionCache // nil: no cache
}

// Registration is what a new account is made of.
type Registration struct {
	Phone           string
	Email           string
	Password        string
	PaymentPassword string
	Name            string
	Language        string
	Kind            purse.AccountKind // defaults to mobile (phone only), or unverified with an e-mail

	// quietEmail: an e-mail that belongs to a live account is left out and its holder told, rather
	// than answered EMAIL_TAKEN (CompleteRegistration, issue 14).
	quietEmail bool
}

// check validates and normalizes the registration's fields; it says nothing of any account.
func (r *Registration) check() (phone, email string, err error) {
	if phone, err = NormalizePhone(r.Phone); err != nil {
		return "", "", err
	}
	if email, err = NormalizeEmail(r.Email); err != nil {
		return "", "", err
	}
	if err := purse.CheckText("name", r.Name); err != nil {
		return "", "", err
	}
	if err := CheckPassword(r.Password); err != nil {
		return "", "", err
	}
	if err := CheckPaymentPassword(r.PaymentPassword); err != nil {
		return "", "", err
	}
	return phone, email, nil
}

// Register creates an account. Errors: INVALID_PHONE, INVALID_EMAIL, PASSWORD_TOO_SHORT,
// PAYMENT_PASSWORD_WEAK, PHONE_TAKEN, EMAIL_TAKEN.
func (s *Service) Register(ctx context.Context, r Registration) (*purse.Account, error) {
	return s.register(ctx, r, nil)
}

// register makes the account; proof, when set, runs first in the same transaction (the
// registration code's check), so that a code is spent if and only if its account is made.
func (s *Service) register(ctx context.Context, r Registration, proof func(tx purse.Tx) error) (*purse.Account, error) {
	phone, email, err := r.check()
	if err != nil {
		return nil, err
	}
	// Hash outside the transaction: argon2id takes tens of milliseconds, and SQLite has one writer.
	// The payment password's keyed hash needs the account's id, made below.
	pwHash, err := s.Hasher.Hash(ctx, r.Password)
	if err != nil {
		return nil, err
	}
	kind := r.Kind
	if kind == "" {
		kind = purse.KindMobile
	}
	lang := r.Language
	if lang != "en" {
		lang = "zh-CN"
	}
	rec := &purse.AccountRecord{
		ID: purse.NewID(), Kind: kind, Status: purse.StatusActive, Language: lang,
		PhoneHash:    s.Vault.Lookup("phone", phone),
		PasswordHash: pwHash, Activated: true,
	}
	rec.PaymentPasswordHash = s.PINs.Hash(rec.ID, r.PaymentPassword)
	if email != "" {
		rec.EmailHash = s.Vault.Lookup("email", email)
	}
	key, wrapped, err := s.Vault.NewDataKey(rec.ID)
	if err != nil {
		return nil, err
	}
	rec.PhoneSealed = key.Seal("phone", phone)
	rec.EmailSealed = key.Seal("email", email)
	rec.NameSealed = key.Seal("name", r.Name)
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		if proof != nil {
			if err := proof(tx); err != nil {
				return err
			}
		}
		rec.CreatedAt, rec.UpdatedAt = tx.Now(), tx.Now()
		if _, err := tx.LiveAccountByLookup(ctx, rec.PhoneHash); err == nil {
			return purse.Errorf(purse.CodePhoneTaken, "phone belongs to a live account")
		} else if !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		if rec.EmailHash != "" {
			if holder, err := tx.LiveAccountByLookup(ctx, rec.EmailHash); err == nil && r.quietEmail {
				taken := email
				rec.EmailHash, rec.EmailSealed, email = "", key.Seal("email", ""), ""
				if err := s.notifyEmailTaken(ctx, tx, holder, taken); err != nil {
					return err
				}
			} else if err == nil {
				return purse.Errorf(purse.CodeEmailTaken, "e-mail belongs to a live account")
			} else if !errors.Is(err, purse.ErrNotFound) {
				return err
			}
		}
		if err := tx.InsertAccount(ctx, rec); err != nil {
			if errors.Is(err, purse.ErrDuplicate) {
				// A concurrent registration won the race for the phone or the e-mail.
				return purse.Errorf(purse.CodePhoneTaken, "phone or e-mail taken concurrently")
			}
			return err
		}
		return tx.InsertDataKey(ctx, &purse.DataKey{AccountID: rec.ID, Wrapped: wrapped, CreatedAt: tx.Now()})
	})
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	s.Log.InfoContext(ctx, "account registered", "account_id", rec.ID, "kind", string(kind))
	return &purse.Account{ID: rec.ID, Kind: kind, Status: rec.Status, Phone: phone, Email: email,
		Name: r.Name, Language: lang, CreatedAt: rec.CreatedAt}, nil
}

// Open decrypts a stored account. A purged account opens with its personal fields empty.
func (s *Service) Open(ctx context.Context, tx purse.Tx, rec *purse.AccountRecord) (*purse.Account, error) {
	a := &purse.Account{ID: rec.ID, Kind: rec.Kind, Status: rec.Status, Language: rec.Language,
		CreatedAt: rec.CreatedAt}
	if !rec.ClosedAt.IsZero() {
		c := rec.ClosedAt
		a.ClosedAt = &c
	}
	key, err := s.DataKey(ctx, tx, rec.ID)
	if errors.Is(err, vault.ErrShredded) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Phone, err = key.Open("phone", rec.PhoneSealed); err != nil {
		return nil, err
	}
	if a.Email, err = key.Open("email", rec.EmailSealed); err != nil {
		return nil, err
	}
	if a.Name, err = key.Open("name", rec.NameSealed); err != nil {
		return nil, err
	}
	return a, nil
}

// Shown is an account record as support's screens show it: with its phone masked, opened for
// the screen (issue 15: no masked copy is stored).
type Shown struct {
	*purse.AccountRecord
	PhoneMasked string // "138****0000"; "" once the account's data key is destroyed
}

// Show opens rec's phone for a screen; see MaskedPhone.
func Show(ctx context.Context, tx purse.Tx, v *vault.Vault, rec *purse.AccountRecord) (*Shown, error) {
	m, err := MaskedPhone(ctx, tx, v, rec)
	if err != nil {
		return nil, err
	}
	return &Shown{AccountRecord: rec, PhoneMasked: m}, nil
}

// MaskedPhone is the account's phone as screens and prompts show it ("138****0000"), opened from
// the sealed phone: no masked copy is stored (issue 15: it was seven of the eleven digits in
// clear, in every version of the account's row). "" once the data key is destroyed. It reads the
// account's data key: one primary-key read and one unwrap per account.
func MaskedPhone(ctx context.Context, tx purse.Tx, v *vault.Vault, rec *purse.AccountRecord) (string, error) {
	k, err := tx.DataKey(ctx, rec.ID)
	if err != nil {
		return "", fmt.Errorf("data key of %s: %w", rec.ID, err)
	}
	key, err := v.Unwrap(rec.ID, k.Wrapped)
	if errors.Is(err, vault.ErrShredded) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	phone, err := key.Open("phone", rec.PhoneSealed)
	if err != nil || phone == "" {
		return "", err
	}
	return MaskPhone(phone), nil
}

// DataKey unwraps the account's data key; vault.ErrShredded once it was destroyed.
func (s *Service) DataKey(ctx context.Context, tx purse.Tx, accountID string) (vault.DataKey, error) {
	k, err := tx.DataKey(ctx, accountID)
	if err != nil {
		return vault.DataKey{}, fmt.Errorf("data key of %s: %w", accountID, err)
	}
	return s.Vault.Unwrap(accountID, k.Wrapped)
}

// Get returns the account with id, decrypted. NOT_FOUND when there is none.
func (s *Service) Get(ctx context.Context, id string) (*purse.Account, error) {
	var a *purse.Account
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		rec, err := tx.Account(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no account %s", id)
		}
		if err != nil {
			return err
		}
		a, err = s.Open(ctx, tx, rec)
		return err
	})
	return a, err
}

// CountByStatus counts the accounts in each status, for support's dashboard.
func (s *Service) CountByStatus(ctx context.Context) (map[purse.AccountStatus]int, error) {
	var out map[purse.AccountStatus]int
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.CountAccounts(ctx)
		return err
	})
	return out, err
}

// LookupLogin turns a login (phone or e-mail) into its keyed hash.
func (s *Service) LookupLogin(login string) (string, bool) { return LookupLogin(s.Vault, login) }

// LookupLogin turns a login (phone or e-mail) into its keyed hash under v; false when the login
// is neither.
func LookupLogin(v *vault.Vault, login string) (string, bool) {
	if phone, err := NormalizePhone(login); err == nil {
		return v.Lookup("phone", phone), true
	}
	if email, err := NormalizeEmail(login); err == nil && email != "" {
		return v.Lookup("email", email), true
	}
	return "", false
}
