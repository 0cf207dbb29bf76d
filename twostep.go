package purse

import (
	"context"
	"time"
)

// TwoStep is an account's second factors (GE-7, issue 14).
type TwoStep struct {
	AccountID string
	// TOTPSealed is the authenticator app's secret, sealed with the account's data key; nil while
	// the app is off. TOTPPending is a secret shown to the holder and not yet confirmed by a code.
	TOTPSealed  []byte
	TOTPPending []byte
	// TOTPLastStep is the last time step a code was accepted for: no code is accepted twice.
	TOTPLastStep int64
	// SMSNewDevice asks for an SMS code when the account signs in on a device it does not know.
	SMSNewDevice bool
	// PasswordChangedAt is when the login password last changed: a risk signal (TP-5).
	PasswordChangedAt time.Time
	UpdatedAt         time.Time
}

// Device is a device the holder let purse remember after a two-step sign-in. The client keeps a
// random token; purse keeps its hash.
type Device struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"-"`
	TokenHash  string    `json:"-"`
	Label      string    `json:"label"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	// CertificateAt is when the account's device certificate was installed on this device (AP-2);
	// zero when it holds none.
	CertificateAt time.Time `json:"certificate_at,omitzero"`
}

// SignInChallenge is a sign-in whose password was right and which waits for its second step.
type SignInChallenge struct {
	ID          string
	AccountID   string
	TokenHash   string
	Methods     string // comma-separated: totp, sms, recovery_code
	CodeHash    string // the SMS code's keyed hash, when one was sent
	DeviceLabel string
	Attempts    int
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time
}

// TwoStepQueries store second factors, remembered devices and sign-in challenges.
type TwoStepQueries interface {
	// TwoStep returns the account's factors; a zero TwoStep with the id when it has none.
	TwoStep(ctx context.Context, accountID string) (*TwoStep, error)
	// SaveTwoStep inserts or replaces the account's factors.
	SaveTwoStep(ctx context.Context, t *TwoStep) error
	// ReplaceRecoveryCodes deletes the account's recovery codes and stores the new hashes.
	ReplaceRecoveryCodes(ctx context.Context, accountID string, hashes []string, now time.Time) error
	// UseRecoveryCode marks an unused recovery code used; false when there is none such.
	UseRecoveryCode(ctx context.Context, accountID, hash string, now time.Time) (bool, error)
	// RecoveryCodesLeft counts the account's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, accountID string) (int, error)
	// InsertDevice stores a remembered device.
	InsertDevice(ctx context.Context, d *Device) error
	// DeviceByToken returns the unrevoked device with the token hash; ErrNotFound when none.
	DeviceByToken(ctx context.Context, tokenHash string) (*Device, error)
	// Devices lists the account's unrevoked devices, newest first.
	Devices(ctx context.Context, accountID string) ([]*Device, error)
	// RevokeDevice revokes the account's device and the sessions opened on it; false when the
	// account has no such unrevoked device.
	RevokeDevice(ctx context.Context, accountID, id string, now time.Time) (bool, error)
	// TouchDevice records that the device was seen now.
	TouchDevice(ctx context.Context, id string, now time.Time) error
	// CertifyDevice installs the account's device certificate on its unrevoked device (AP-2);
	// false when the account has no such device.
	CertifyDevice(ctx context.Context, accountID, id string, now time.Time) (bool, error)
	// LinkSession records the device a session was opened on.
	LinkSession(ctx context.Context, sessionID, deviceID, accountID string) error
	// SessionDevice returns the device a session was opened on; ErrNotFound when none.
	SessionDevice(ctx context.Context, sessionID string) (*Device, error)
	// InsertChallenge stores a sign-in challenge.
	InsertChallenge(ctx context.Context, c *SignInChallenge) error
	// ChallengeByToken returns the challenge with the token hash, locked; ErrNotFound when none.
	ChallengeByToken(ctx context.Context, tokenHash string) (*SignInChallenge, error)
	// UpdateChallenge saves a challenge's attempts and use.
	UpdateChallenge(ctx context.Context, c *SignInChallenge) error
}
