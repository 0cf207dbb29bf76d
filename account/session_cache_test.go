package account

import (
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// TestSessionCacheDropFindsItsEntries: a drop removes exactly the entries of the accounts and
// sessions it names and keeps every other, and the indexes that find them (byAccount, bySession)
// hold nothing more than the entries do, through replacements, drops, sweeps and the size cap.
// A drop follows every transaction that changed an account; it scanned every cached entry, so a
// transfer cost more the more sessions the instance had seen in the last TTL.
func TestSessionCacheDropFindsItsEntries(t *testing.T) {
	c := newSessionCache(time.Hour)
	now := time.Now()
	put := func(acct, sess int) string {
		hash := fmt.Sprintf("token-%d-%d", acct, sess)
		s := &purse.Session{ID: fmt.Sprintf("s%d-%d", acct, sess), ExpiresAt: now.Add(time.Hour)}
		a := &purse.AccountRecord{ID: fmt.Sprintf("a%d", acct), Status: purse.StatusActive}
		_, _, gen := c.get(hash, now)
		c.put(hash, s, a, gen)
		return hash
	}
	for acct := range 500 {
		put(acct, 1)
		put(acct, 2)
	}
	put(7, 1) // the same token again: one entry still
	consistent(t, c, 1000)
	c.drop([]string{"a7", "a9"}, []string{"s11-2"})
	for _, gone := range []string{"token-7-1", "token-7-2", "token-9-1", "token-9-2", "token-11-2"} {
		if s, _, _ := c.get(gone, now); s != nil {
			t.Errorf("%s still cached after its drop", gone)
		}
	}
	if s, _, _ := c.get("token-11-1", now); s == nil {
		t.Error("token-11-1 dropped with its account's other session")
	}
	consistent(t, c, 995)
	c.drop([]string{"a-unknown"}, []string{"s-unknown"})
	consistent(t, c, 995)
}

// consistent checks the cache holds want entries and that its indexes name exactly those.
func consistent(t *testing.T, c *sessionCache, want int) {
	t.Helper()
	if len(c.entries) != want {
		t.Fatalf("%d entries, want %d", len(c.entries), want)
	}
	indexed := 0
	for acct, hashes := range c.byAccount {
		for hash := range hashes {
			e := c.entries[hash]
			if e == nil || e.acct.ID != acct {
				t.Fatalf("byAccount[%s] names %s, which is not its entry", acct, hash)
			}
			indexed++
		}
	}
	if indexed != want || len(c.bySession) != want {
		t.Fatalf("indexes name %d by account and %d by session, want %d", indexed, len(c.bySession), want)
	}
	for sess, hash := range c.bySession {
		if e := c.entries[hash]; e == nil || e.sess.ID != sess {
			t.Fatalf("bySession[%s] names %s, which is not its entry", sess, hash)
		}
	}
}

// The size cap starts the cache again empty, indexes included.
func TestSessionCacheCapClearsIndexes(t *testing.T) {
	c := newSessionCache(time.Hour)
	now := time.Now()
	for i := range maxCachedSessions + 1 {
		hash := fmt.Sprintf("token-%d", i)
		_, _, gen := c.get(hash, now)
		c.put(hash, &purse.Session{ID: fmt.Sprintf("s%d", i), ExpiresAt: now.Add(time.Hour)},
			&purse.AccountRecord{ID: fmt.Sprintf("a%d", i), Status: purse.StatusActive}, gen)
	}
	consistent(t, c, 1)
}

// BenchmarkSessionCacheDrop is one account change's drop with 10,000 sessions cached (what an
// instance sees in a 2 s TTL at 5,000 requests a second from distinct holders).
func BenchmarkSessionCacheDrop(b *testing.B) {
	c := newSessionCache(time.Hour)
	now := time.Now()
	for i := range 10_000 {
		hash := fmt.Sprintf("token-%d", i)
		_, _, gen := c.get(hash, now)
		c.put(hash, &purse.Session{ID: fmt.Sprintf("s%d", i), ExpiresAt: now.Add(time.Hour)},
			&purse.AccountRecord{ID: fmt.Sprintf("a%d", i), Status: purse.StatusActive}, gen)
	}
	accounts := []string{"a1", "a2"}
	b.ResetTimer()
	for range b.N {
		c.drop(accounts, nil)
	}
}
