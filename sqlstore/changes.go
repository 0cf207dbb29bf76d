package sqlstore

import (
	"sync"
)

// changes are the accounts and sessions a transaction changed in ways a session cache must see:
// a session revoked or deleted, an account row rewritten (status, credentials, anything).
type changes struct {
	accounts []string
	sessions []string
}

// feed delivers, after each transaction ends, what it changed to the listeners of this process.
type feed struct {
	mu        sync.RWMutex
	listeners []func(accounts, sessions []string)
}

// OnChange registers fn to hear, after every transaction of this process ends (committed or rolled
// back, whichever: a needless drop costs a cache miss, never a wrong answer), the ids of the accounts
// and sessions it changed. fn runs on the transaction's goroutine and must be quick. Only this
// process hears it: other instances sharing the database see a change when their cache entries
// expire.
func (db *DB) OnChange(fn func(accounts, sessions []string)) {
	db.feed.mu.Lock()
	db.feed.listeners = append(db.feed.listeners, fn)
	db.feed.mu.Unlock()
}

// notify tells the listeners what t changed. It runs after the commit or rollback, never before:
// a cache refilled between a drop and the commit would hold the old row again.
func (db *DB) notify(t *tx) {
	if len(t.changed.accounts) == 0 && len(t.changed.sessions) == 0 {
		return
	}
	db.feed.mu.RLock()
	defer db.feed.mu.RUnlock()
	for _, fn := range db.feed.listeners {
		fn(t.changed.accounts, t.changed.sessions)
	}
}

func (t *tx) accountChanged(id string) { t.changed.accounts = append(t.changed.accounts, id) }
func (t *tx) sessionChanged(id string) { t.changed.sessions = append(t.changed.sessions, id) }
