package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/secret"
)

// PaymentPassword is every bench account's payment password.
const PaymentPassword = "135790"

// User is an account made for the bench, signed in when Token is set.
type User struct {
	ID, Phone, Token string
	Card             string // a bound card, once funded (fund)
}

// spec says what kind of accounts to make.
type spec struct {
	prefix       string    // the phone's first three digits, one per measurement, so phones never clash
	session      bool      // open a session and return its token
	blockerEvery int       // every n-th account has one-click pay on (ONE_CLICK_PAY_ON); 0: none
	smallPay     bool      // every account has password-free small payments on, as its holder chose (issue 13)
	closedAt     time.Time // non-zero: the account is closed since then (for the purge)
}

var phoneSeq atomic.Int64

// hashOnce computes the login password's argon2id hash once, with the production parameters: each
// account stores the same PHC string, so creating thousands of accounts costs nothing. (Payment
// passwords are keyed hashes, made per account: see insertBatch.)
func (s *Server) hashOnce(ctx context.Context) (string, error) {
	s.hashMu.Lock()
	defer s.hashMu.Unlock()
	if s.payHash == "" {
		h, err := secret.NewHasher(secret.DefaultParams, 1).Hash(ctx, PaymentPassword)
		if err != nil {
			return "", err
		}
		s.payHash = h
	}
	return s.payHash, nil
}

// makeAccounts inserts n accounts directly through the store, batch at a time, as account.Register
// would leave them (sealed personal data under a data key of their own), skipping the API and the
// two argon2id hashes a registration costs. PostgreSQL takes several batches at once; SQLite has
// one writer.
func (s *Server) makeAccounts(ctx context.Context, n int, sp spec) ([]User, error) {
	hash, err := s.hashOnce(ctx)
	if err != nil {
		return nil, err
	}
	const batch = 500
	users := make([]User, n)
	workers := 1
	if s.Kind == "postgres" {
		workers = 4
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(batch)) - batch
				if from >= n {
					return
				}
				to := min(from+batch, n)
				if err := s.insertBatch(ctx, users[from:to], from, hash, sp); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return users, nil
}

func (s *Server) insertBatch(ctx context.Context, users []User, offset int, hash string, sp spec) error {
	v := s.App.Vault
	type row struct {
		rec     *purse.AccountRecord
		wrapped []byte
		sess    *purse.Session
	}
	rows := make([]row, len(users))
	now := time.Now()
	for i := range users {
		phone := fmt.Sprintf("%s%08d", sp.prefix, phoneSeq.Add(1))
		rec := &purse.AccountRecord{ID: purse.NewID(), Kind: purse.KindMobile, Status: purse.StatusActive,
			Language: "zh-CN", PhoneHash: v.Lookup("phone", phone),
			PasswordHash: hash, Activated: true,
			OneClickPay: sp.smallPay || sp.blockerEvery > 0 && (offset+i)%sp.blockerEvery == 0}
		rec.PaymentPasswordHash = s.App.Accounts.PINs.Hash(rec.ID, PaymentPassword)
		key, wrapped, err := v.NewDataKey(rec.ID)
		if err != nil {
			return err
		}
		rec.PhoneSealed = key.Seal("phone", phone)
		rec.EmailSealed = key.Seal("email", "")
		rec.NameSealed = key.Seal("name", "")
		if !sp.closedAt.IsZero() {
			// Accounts close one after another, not all in the same microsecond: the purge claims
			// them in closed_at order through the (status, closed_at) index.
			rec.Status, rec.ClosedAt = purse.StatusClosed, sp.closedAt.Add(-time.Duration(offset+i)*time.Millisecond)
		}
		users[i] = User{ID: rec.ID, Phone: phone}
		rows[i] = row{rec: rec, wrapped: wrapped}
		if sp.session {
			users[i].Token = secret.NewToken("pst_")
			rows[i].sess = &purse.Session{ID: purse.NewID(), TokenHash: secret.HashToken(users[i].Token),
				AccountID: rec.ID, CreatedAt: now, ExpiresAt: now.Add(account.SessionLifetime)}
		}
	}
	// A batch of 500 accounts is longer work than a request: on a loaded machine it outlasts the
	// store's default deadline for requests (sqlstore.DefaultDeadline), so it sets its own.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		for _, r := range rows {
			r.rec.CreatedAt, r.rec.UpdatedAt = tx.Now(), tx.Now()
			if !r.rec.ClosedAt.IsZero() {
				r.rec.CreatedAt = r.rec.ClosedAt.Add(-time.Hour)
			}
			if err := tx.InsertAccount(ctx, r.rec); err != nil {
				return fmt.Errorf("bench: insert account: %w", err)
			}
			if err := tx.InsertDataKey(ctx, &purse.DataKey{AccountID: r.rec.ID, Wrapped: r.wrapped, CreatedAt: tx.Now()}); err != nil {
				return fmt.Errorf("bench: insert data key: %w", err)
			}
			if r.sess != nil {
				if err := tx.InsertSession(ctx, r.sess); err != nil {
					return fmt.Errorf("bench: insert session: %w", err)
				}
			}
		}
		return nil
	})
}
