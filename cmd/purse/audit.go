package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/audit"
)

// AuditCmd groups the audit log's tools.
type AuditCmd struct {
	Verify AuditVerifyCmd `cmd:"" help:"Walk the audit chain and name the first broken event (exit status 1)."`
}

// AuditVerifyCmd checks the hash chain of the audit log.
type AuditVerifyCmd struct {
	StoreFlags
	Anchor []string `help:"An anchor recorded earlier (SEQ:HASH, from this command's output or the server log's \"audit anchor\" lines) that must still be part of the chain; repeatable."`
}

// Run prints "OK" with the number of events, or the first broken event and exits non-zero.
func (c *AuditVerifyCmd) Run() error {
	return c.run(context.Background(), os.Stdout)
}

func (c *AuditVerifyCmd) run(ctx context.Context, out io.Writer) error {
	if err := c.existing(); err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, c.DB, purse.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := audit.Check(ctx, store)
	if err != nil {
		return err
	}
	if r.FirstBroken != 0 {
		fmt.Fprintf(out, "BROKEN at event %d: %s (%d events before it verified)\n", r.FirstBroken, r.Reason, r.Events)
		return fmt.Errorf("audit chain broken at event %d", r.FirstBroken)
	}
	for _, raw := range c.Anchor {
		a, err := audit.ParseAnchor(raw)
		if err != nil {
			return err
		}
		ok, err := audit.Holds(ctx, store, a)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(out, "BROKEN: anchor %s is no longer in the chain: the events up to %d were rewritten\n", a, a.Seq)
			return fmt.Errorf("audit anchor %d does not hold", a.Seq)
		}
	}
	head, err := audit.Head(ctx, store)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "OK: %d events, chain intact, %d anchors hold; head %s\n", r.Events, len(c.Anchor), head)
	return nil
}
