package wallet

import "github.com/purse-wallet/purse"

// Admission of commit groups on PostgreSQL: which group may begin beside the ones in flight.

// flight is a group under way: the accounts its movements name, and done, closed once it has
// committed or failed.
type flight struct {
	accounts map[string]bool // nil: not known (a movement other than a transfer)
	done     chan struct{}
}

// admit holds batch back while a group in flight names one of its accounts, taking in the
// movements that arrive meanwhile, and returns the batch and the groups still in flight.
//
// Two groups that share an account run one after the other anyway: the second's lock statement
// waits for the first's commit, holding the accounts it locked before, and its batch was closed
// when it began. Waiting before it begins instead lets the movements that arrive meanwhile join it,
// and costs no lock waits. Groups over different accounts still overlap, the second running while
// the first commits. Session 14 measured both ends with a fixed number in flight: with one, 64
// accounts did 3,724–3,730 transfers/s (1.37–1.45 × pgbench) against 3,373–3,983/s with two, but
// 10,000 accounts did 1,714–1,764/s against 2,038–2,837/s (docs/BENCHMARKS.md). Which accounts a
// transfer to a phone number or an e-mail names is learnt in its transaction: such a recipient is
// left out here, and the lock order still keeps two groups that share it from deadlocking.
func (g *Group) admit(batch []*groupReq, flying []*flight) ([]*groupReq, []*flight) {
	mine := accountsOf(batch)
	for {
		live := flying[:0]
		for _, f := range flying {
			select {
			case <-f.done:
			default:
				live = append(live, f)
			}
		}
		flying = live
		var wait *flight
		for _, f := range flying {
			if f.shares(mine) {
				wait = f
				break
			}
		}
		if wait == nil {
			return batch, flying
		}
		in := g.reqs
		if len(batch) == g.max {
			in = nil // full: only the group in flight's end is awaited
		}
		select {
		case <-wait.done:
		case r := <-in:
			batch, mine = append(batch, r), withAccounts(mine, r)
		}
	}
}

// shares reports whether the flight names one of the accounts; a side that is not known shares.
func (f *flight) shares(accounts map[string]bool) bool {
	if f.accounts == nil || accounts == nil {
		return true
	}
	small, large := f.accounts, accounts
	if len(small) > len(large) {
		small, large = large, small
	}
	for id := range small {
		if large[id] {
			return true
		}
	}
	return false
}

// accountsOf is the set of accounts the batch's transfers name by id, or nil when it holds a
// movement other than a transfer.
func accountsOf(batch []*groupReq) map[string]bool {
	ids := make(map[string]bool, 2*len(batch))
	for _, r := range batch {
		if ids = withAccounts(ids, r); ids == nil {
			return nil
		}
	}
	return ids
}

// withAccounts adds the accounts r names to ids, or returns nil when r is not a transfer or ids is
// already nil (not known).
func withAccounts(ids map[string]bool, r *groupReq) map[string]bool {
	if ids == nil || r.xfer == nil {
		return nil
	}
	ids[r.xfer.account] = true
	if purse.ValidID(r.xfer.r.To) {
		ids[r.xfer.r.To] = true
	}
	return ids
}
