package account

import (
	"sync"
	"time"

	"github.com/purse-wallet/purse"
)

// DefaultSessionCacheTTL is how long an instance trusts a session it looked up. Every
// authenticated request looks its session up; at thousands of requests a second the lookup was a
// fifth of the HTTP path's CPU. The TTL bounds how late ANOTHER instance sees a sign-out, a
// password change or an account change; this instance drops the entry at once (see docs/SECURITY.md).
const DefaultSessionCacheTTL = 2 * time.Second

// maxCachedSessions bounds the cache's memory; past it, the cache starts again empty.
const maxCachedSessions = 100_000

// changeFeed is a store that reports, after each transaction of this process, the accounts and
// sessions it changed (sqlstore.DB does). Without one there is no cache: a cache that cannot hear a
// sign-out on its own instance would answer for a revoked token.
type changeFeed interface {
	OnChange(fn func(accounts, sessions []string))
}

// sessionCache holds recent session lookups of this process, keyed by token hash.
type sessionCache struct {
	ttl time.Duration

	mu      sync.RWMutex
	gen     uint64 // bumped by every drop; a lookup begun before a drop is not kept
	entries map[string]*cachedSession
	swept   time.Time
}

type cachedSession struct {
	sess   purse.Session
	acct   purse.AccountRecord
	loaded time.Time // wall time (monotonic), not the store's clock: the TTL is real time
}

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, entries: map[string]*cachedSession{}}
}

// cacheable reports whether a principal may be kept. A closing account is always looked up afresh,
// so that the close job's revocation reaches every instance at once, not within the TTL.
func cacheable(a *purse.AccountRecord) bool {
	return a.Status == purse.StatusActive || a.Status == purse.StatusRestricted
}

// get returns copies of a fresh entry's session and account (callers may change them), and the
// generation to pass to put after a miss.
func (c *sessionCache) get(hash string, now time.Time) (*purse.Session, *purse.AccountRecord, uint64) {
	c.mu.RLock()
	e, gen := c.entries[hash], c.gen
	c.mu.RUnlock()
	if e == nil || time.Since(e.loaded) >= c.ttl || !now.Before(e.sess.ExpiresAt) {
		return nil, nil, gen
	}
	s, a := e.sess, e.acct
	return &s, &a, gen
}

// put keeps a lookup unless something was dropped since it began (gen): the row it read may be the
// one the drop was for.
func (c *sessionCache) put(hash string, s *purse.Session, a *purse.AccountRecord, gen uint64) {
	if !cacheable(a) {
		return
	}
	e := &cachedSession{sess: *s, acct: *a, loaded: time.Now()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if e.loaded.Sub(c.swept) >= c.ttl {
		for k, old := range c.entries {
			if e.loaded.Sub(old.loaded) >= c.ttl {
				delete(c.entries, k)
			}
		}
		c.swept = e.loaded
	}
	if len(c.entries) >= maxCachedSessions {
		clear(c.entries)
	}
	c.entries[hash] = e
}

// drop forgets every entry of the accounts and every listed session.
func (c *sessionCache) drop(accounts, sessions []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if contains(accounts, e.acct.ID) || contains(sessions, e.sess.ID) {
			delete(c.entries, k)
		}
	}
}

func contains(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
