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
	// byAccount and bySession find the entries a drop names (token hashes), so that a drop costs
	// what it drops: it ran after every transaction that changed an account, and scanning every
	// entry made each transfer's cost grow with the sessions the instance saw in the last TTL.
	byAccount map[string]map[string]bool
	bySession map[string]string
	swept     time.Time
}

type cachedSession struct {
	sess   purse.Session
	acct   purse.AccountRecord
	loaded time.Time // wall time (monotonic), not the store's clock: the TTL is real time
}

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, entries: map[string]*cachedSession{}, byAccount: map[string]map[string]bool{},
		bySession: map[string]string{}}
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
				c.remove(k)
			}
		}
		c.swept = e.loaded
	}
	if len(c.entries) >= maxCachedSessions {
		clear(c.entries)
		clear(c.byAccount)
		clear(c.bySession)
	}
	c.remove(hash)
	c.entries[hash] = e
	if c.byAccount[a.ID] == nil {
		c.byAccount[a.ID] = map[string]bool{}
	}
	c.byAccount[a.ID][hash] = true
	c.bySession[s.ID] = hash
}

// drop forgets every entry of the accounts and every listed session.
func (c *sessionCache) drop(accounts, sessions []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range accounts {
		for hash := range c.byAccount[id] {
			c.remove(hash)
		}
	}
	for _, id := range sessions {
		if hash, ok := c.bySession[id]; ok {
			c.remove(hash)
		}
	}
}

// remove deletes the entry of a token hash, if any, and its places in the indexes. c.mu is held.
func (c *sessionCache) remove(hash string) {
	e := c.entries[hash]
	if e == nil {
		return
	}
	delete(c.entries, hash)
	if hashes := c.byAccount[e.acct.ID]; hashes != nil {
		delete(hashes, hash)
		if len(hashes) == 0 {
			delete(c.byAccount, e.acct.ID)
		}
	}
	if c.bySession[e.sess.ID] == hash {
		delete(c.bySession, e.sess.ID)
	}
}
