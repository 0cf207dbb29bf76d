package purse

import (
	"context"
	"slices"
)

type savepointKey struct{}

// OnSavepoint returns a context under which a store tells open of every savepoint it opens (Tx
// under a bound context, see Store.Tx): open is called once the savepoint has begun, and the
// function open returns once it has ended, with kept true when it was released into the
// transaction around it and false when it was rolled back (or its release failed). Code that holds
// writes back for later, in memory, uses it so that what a savepoint held back goes with the
// savepoint's own writes: a batch's items' audit events (jobs.Later), which would otherwise be
// written at the batch's end although the savepoint that recorded them was rolled back.
//
// Watchers stack: a context derived from one that has a watcher tells both, the inner last.
func OnSavepoint(ctx context.Context, open func() (end func(kept bool))) context.Context {
	prev, _ := ctx.Value(savepointKey{}).([]func() func(bool))
	return context.WithValue(ctx, savepointKey{}, append(slices.Clip(prev), open))
}

// SavepointOpened is for stores: it tells the watchers ctx carries (OnSavepoint) that a savepoint
// has begun, and returns the function to call once it has ended (see OnSavepoint), which tells
// them in the reverse order. Without watchers it returns a function that does nothing.
func SavepointOpened(ctx context.Context) (end func(kept bool)) {
	opens, _ := ctx.Value(savepointKey{}).([]func() func(bool))
	if len(opens) == 0 {
		return func(bool) {}
	}
	ends := make([]func(bool), len(opens))
	for i, open := range opens {
		ends[i] = open()
	}
	return func(kept bool) {
		for i := len(ends) - 1; i >= 0; i-- {
			ends[i](kept)
		}
	}
}
