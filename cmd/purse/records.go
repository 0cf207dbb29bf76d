package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// RecordsCmd serves the AML records (docs/retention.md, "What each period covers").
type RecordsCmd struct {
	Identity RecordsIdentityCmd `cmd:"" help:"Show the identity the AML records keep of a purged account (name, phone), for an inquiry the law allows; audited with the reason."`
}

// RecordsIdentityCmd opens one purged account's records identity.
type RecordsIdentityCmd struct {
	keysFlags
	Account string `arg:"" help:"The account id."`
	Reason  string `required:"" help:"Why, e.g. the authority's request reference; written to the audit log."`
	Actor   string `default:"system:cli" help:"Who asks, as the audit log names actors: system:cli (whoever holds the master key on the server), or operator:<id> of an admin."`
}

// Run shows the identity.
func (c *RecordsIdentityCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *RecordsIdentityCmd) run(ctx context.Context, out io.Writer) error {
	a, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	id, err := a.Lifecycle.ReadRecordsIdentity(ctx, c.Account, c.Actor, c.Reason)
	if err != nil {
		return fmt.Errorf("records identity of %s: %w", c.Account, err)
	}
	fmt.Fprintf(out, "name\t%s\nphone\t%s\n", id.Name, id.Phone)
	return nil
}
