package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
)

// GroupTransfers posts the transfers as one commit group does (Group.run's bound transaction and
// batchTransfers), so that a test can hold a group's statements without racing the committer
// for how many transfers each group gets. from[i] sends reqs[i].
func GroupTransfers(ctx context.Context, s *Service, from []string, reqs []TransferRequest) ([]*purse.LedgerTransaction, []error, error) {
	jobs := make([]*transferJob, len(reqs))
	for i, r := range reqs {
		jobs[i] = &transferJob{account: from[i], r: r}
		if r.PaymentPassword != "" {
			jobs[i].proof = s.Accounts.NewPaymentPasswordProof(from[i], r.PaymentPassword)
		}
	}
	bound, end, err := s.Store.Bind(ctx)
	if err != nil {
		return nil, nil, err
	}
	errs := s.batchTransfers(bound, jobs)
	if err := end(true); err != nil {
		return nil, nil, err
	}
	out := make([]*purse.LedgerTransaction, len(jobs))
	for i, j := range jobs {
		out[i] = j.out
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
