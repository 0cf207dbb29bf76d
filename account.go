package purse

import "time"

// AccountKind says how much the operator knows of the account holder (AP-6).
type AccountKind string

// Account kinds. The verification form of a closure differs by kind (AP-6).
const (
	KindUnverified AccountKind = "unverified"
	KindMobile     AccountKind = "mobile"
	KindVerified   AccountKind = "verified"
	KindMerchant   AccountKind = "merchant"
)

// AccountStatus is where the account is in its life. The order is one way: an account never goes
// back from closed, and purged is the end.
type AccountStatus string

// Account statuses. From closing on, no posting may touch the account (DESIGN.md §4.2).
const (
	StatusActive     AccountStatus = "active"
	StatusRestricted AccountStatus = "restricted"
	StatusClosing    AccountStatus = "closing"
	StatusClosed     AccountStatus = "closed"
	StatusPurged     AccountStatus = "purged"
)

// Live reports whether an account in this status still holds its phone and e-mail: a closed or
// purged account frees them for a new registration at once (TP-7).
func (s AccountStatus) Live() bool { return s != StatusClosed && s != StatusPurged }

// AcceptsPostings reports whether money may enter or leave an account in this status.
func (s AccountStatus) AcceptsPostings() bool { return s == StatusActive || s == StatusRestricted }

// Account is an end user's wallet, with its personal data decrypted. Phone and Email are empty
// once the account is purged (crypto-shredded).
type Account struct {
	ID        string        `json:"id"`
	Kind      AccountKind   `json:"kind"`
	Status    AccountStatus `json:"status"`
	Phone     string        `json:"phone"`
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	Language  string        `json:"language"`
	CreatedAt time.Time     `json:"created_at"`
	ClosedAt  *time.Time    `json:"closed_at,omitempty"`
}

// AccountRecord is an account as stored: personal data sealed with the account's data key,
// lookups by keyed hash, credentials as PHC strings. Only the account package reads it.
type AccountRecord struct {
	ID     string
	Kind   AccountKind
	Status AccountStatus
	// PhoneHash and EmailHash are HMACs of the normalized phone and the lower-cased e-mail ("" for
	// none), for lookups and uniqueness; the store keeps them apart from the account's row, which
	// is rewritten often (issue 15).
	PhoneHash   string
	EmailHash   string
	PhoneSealed []byte
	EmailSealed []byte
	NameSealed  []byte
	// No masked phone is stored (issue 15: it was 7 of the 11 digits in clear, in every row
	// version): screens derive it from the sealed phone with MaskPhone.
	PasswordHash        string
	PaymentPasswordHash string
	Language            string
	CertificateRequired bool   // a certificate user (AP-2)
	CertificateID       string // the device certificate's fingerprint
	Activated           bool   // an account not activated cannot close (AP-2)
	OneClickPay         bool   // the password-free payment switch (TP-1)
	LoginFailures       int
	LoginLockedUntil    time.Time
	PayFailures         int
	PayLockedUntil      time.Time
	LegalHold           bool
	CreatedAt           time.Time
	UpdatedAt           time.Time
	ClosedAt            time.Time // zero until closed
	PurgedAt            time.Time // zero until purged
}

// Session is a signed-in client. The token itself is never stored, only its SHA-256.
type Session struct {
	ID        string
	TokenHash string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while valid
}
