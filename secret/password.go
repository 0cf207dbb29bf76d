// Package secret hashes passwords with argon2id, verifies payment passwords (PINs) with a keyed
// hash (pin.go), and makes and hashes random tokens.
package secret

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow OWASP's argon2id guidance (19 MiB, 2 passes, 1 lane): about 25 ms on one core
// here. Login passwords pay it at every sign-in; payment passwords no longer do (see PINs).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Hasher hashes and verifies with argon2id, running at most a fixed number of hashes at once so
// that a burst of sign-ins cannot exhaust memory (each hash holds Params.Memory).
type Hasher struct {
	params Params
	slots  chan struct{}
	// MaxWait bounds the wait for a free slot (DefaultMaxWait unless set before first use).
	MaxWait time.Duration

	dummyOnce sync.Once
	dummy     string
}

// NewHasher returns a hasher that runs at most concurrent hashes at a time.
func NewHasher(p Params, concurrent int) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	return &Hasher{params: p, slots: make(chan struct{}, concurrent)}
}

// Hash returns the PHC string of password: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	sum := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, 32)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.Memory, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// Verify reports whether password matches the PHC string, comparing in constant time. It uses the
// parameters stored in the string, so raising DefaultParams does not break old hashes.
func (h *Hasher) Verify(ctx context.Context, phc, password string) (bool, error) {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	h.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// VerifyNothing does the work of Verify against a hash of this hasher's own parameters that no
// password matches, for a login that names no account: its answer must take as long as a wrong
// password's (issue 14). A fixed hash of other parameters would not: in tests, or after the
// operator tunes the parameters, it would be faster or slower than the real ones.
func (h *Hasher) VerifyNothing(ctx context.Context, password string) error {
	h.dummyOnce.Do(func() {
		if d, err := h.Hash(context.Background(), NewToken("")); err == nil {
			h.dummy = d
		}
	})
	if h.dummy == "" {
		return fmt.Errorf("secret: no dummy hash")
	}
	_, err := h.Verify(ctx, h.dummy, password)
	return err
}

// DefaultMaxWait is how long a hash waits for a free slot before the request is refused: a
// good part of the store's 5 s deadline, yet well inside it: some eighty hashes queued ahead on two
// cores.
const DefaultMaxWait = 2 * time.Second

// ErrBusy refuses a hash that found every slot taken for MaxWait: 503 UNAVAILABLE with a
// Retry-After, said as what it is.
//
// A burst of sign-ups used to wait in this queue inside the request's bound transaction (the
// Idempotency-Key middleware binds one before the handler runs) and so inside the store's 5 s
// deadline, which then answered 503 "the database did not answer in time" for a database that
// was fine (issue 17). Not counting the wait against that deadline would have kept the
// transaction (on SQLite, the single writer) open for as long as the queue is long; refusing
// early sheds the load the cores cannot carry and tells the client when to come back.
var ErrBusy = &purse.Error{Code: purse.CodeUnavailable, RetryAfter: time.Second,
	Detail: "too many password checks at once"}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	wait := h.MaxWait
	if wait <= 0 {
		wait = DefaultMaxWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

var errPHC = errors.New("secret: malformed argon2id hash")

func parsePHC(phc string) (Params, []byte, []byte, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errPHC
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, errPHC
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errPHC
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(sum) == 0 {
		return Params{}, nil, nil, errPHC
	}
	return p, salt, sum, nil
}

// NewToken returns a random token with a readable prefix ("pst_" for sessions) and 256 bits of
// entropy. Store only HashToken of it.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of a token in hex. Tokens carry 256 random bits, so a fast hash is
// enough; passwords, which carry far fewer, use Hash.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}
