package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
)

// GroupTransfers posts the transfers as one commit group (Group.run with batchTransfers), so that
// a test can hold a group's statements without racing the committer for how many transfers each
// group gets. from[i] sends reqs[i]. A failed commit is every transfer's answer; err is Bind's.
func GroupTransfers(ctx context.Context, s *Service, from []string, reqs []TransferRequest) ([]*purse.LedgerTransaction, []error, error) {
	g := NewGroup(s.Store, len(reqs))
	g.batch = s.batchTransfers
	batch := make([]*groupReq, len(reqs))
	for i, r := range reqs {
		job := &transferJob{account: from[i], r: r}
		if r.PaymentPassword != "" {
			job.proof = s.Accounts.NewPaymentPasswordProof(from[i], r.PaymentPassword)
		}
		batch[i] = &groupReq{xfer: job, done: make(chan error, 1)}
	}
	bound, end, err := s.Store.Bind(ctx)
	if err != nil {
		return nil, nil, err
	}
	g.run(bound, end, batch)
	out, errs := make([]*purse.LedgerTransaction, len(batch)), make([]error, len(batch))
	for i, r := range batch {
		errs[i] = <-r.done
		out[i] = r.xfer.out
	}
	return out, errs, nil
}

// RunGroup runs fns, in order, as one commit group of the store, and returns each one's answer.
func RunGroup(ctx context.Context, store purse.Store, fns ...func(ctx context.Context) error) []error {
	g := NewGroup(store, len(fns))
	out := make([]error, len(fns))
	bound, end, err := store.Bind(ctx)
	if err != nil {
		for i := range out {
			out[i] = err
		}
		return out
	}
	batch := make([]*groupReq, len(fns))
	for i, fn := range fns {
		batch[i] = &groupReq{fn: fn, done: make(chan error, 1)}
	}
	g.run(bound, end, batch)
	for i, r := range batch {
		out[i] = <-r.done
	}
	return out
}

// WithStore returns a copy of s whose transactions go through store: a test's wrapper that fails
// or holds some of a group's statements.
func WithStore(s *Service, store purse.Store) *Service {
	c := *s
	c.Store = store
	return &c
}
