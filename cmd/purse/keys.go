package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/logs"
)

// KeysCmd manages the master-key versions (docs/deployment.md, "Rotating the master key").
type KeysCmd struct {
	Status  KeysStatusCmd  `cmd:"" help:"List the master-key versions: live data keys under each, retired and destroyed times."`
	Rotate  KeysRotateCmd  `cmd:"" help:"Rewrap every live data key under the keyring's newest version, reporting progress."`
	Destroy KeysDestroyCmd `cmd:"" help:"Record an old version as destroyed and remove it from the key file, once no live key and no backup within the backup retention needs it."`
}

// keysFlags are what every keys subcommand needs.
type keysFlags struct {
	StoreFlags
	MasterKeyFile string `env:"PURSE_MASTER_KEY_FILE" help:"File holding the master key or keyring. PURSE_MASTER_KEY may hold it instead."`
}

// open opens the store and the services with the keyring.
func (f keysFlags) open(ctx context.Context) (*app.App, func(), error) {
	ring, err := masterKey(f.MasterKeyFile, false, f.DB)
	if err != nil {
		return nil, nil, err
	}
	store, err := app.OpenStore(ctx, f.DB, purse.SystemClock{})
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(ctx, store, app.Config{Keys: &ring, Clock: purse.SystemClock{},
		Log: logs.New("text", os.Stderr, slog.LevelWarn),
		// Key commands post nothing through a bank and send no message; the services are built
		// whole all the same.
		Gateway: bank.Sandbox{}, DevOutbox: true})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return a, func() { store.Close() }, nil
}

// KeysStatusCmd lists the versions.
type KeysStatusCmd struct{ keysFlags }

// Run lists.
func (c *KeysStatusCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *KeysStatusCmd) run(ctx context.Context, out io.Writer) error {
	a, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	versions, err := a.Lifecycle.KeyVersions(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tLIVE KEYS\tIN KEYRING\tCURRENT\tRETIRED\tDESTROYED")
	for _, v := range versions {
		fmt.Fprintf(w, "%d\t%d\t%v\t%v\t%s\t%s\n", v.Version, v.LiveKeys, v.InKeyring, v.Current, when(v.RetiredAt), when(v.DestroyedAt))
	}
	return w.Flush()
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// KeysRotateCmd rewraps every live data key under the current version.
type KeysRotateCmd struct{ keysFlags }

// Run rotates.
func (c *KeysRotateCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *KeysRotateCmd) run(ctx context.Context, out io.Writer) error {
	a, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(out, "rewrapping every live data key under master-key version %d\n", a.Vault.Current())
	p, err := a.Lifecycle.RotateKeys(ctx, func(p lifecycle.RotateProgress) {
		fmt.Fprintf(out, "read %d of %d live data keys, rewrapped %d of %d\n", p.Scanned, p.Total, p.Rewrapped, p.ToRewrap)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "done: %d data keys rewrapped; `purse keys status` shows which versions are retired\n", p.Rewrapped)
	return nil
}

// KeysDestroyCmd destroys an old version.
type KeysDestroyCmd struct {
	keysFlags
	Version         int    `arg:"" help:"The master-key version to destroy."`
	BackupRetention string `required:"" env:"PURSE_BACKUP_RETENTION" help:"How long you keep database backups (<n>d, <n>y or a duration): the version goes only when every backup taken before it was retired has expired."`
}

// Run destroys.
func (c *KeysDestroyCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *KeysDestroyCmd) run(ctx context.Context, out io.Writer) error {
	retention, err := lifecycle.ParsePeriod(c.BackupRetention)
	if err != nil {
		return fmt.Errorf("--backup-retention: %w", err)
	}
	ring, err := masterKey(c.MasterKeyFile, false, c.DB)
	if err != nil {
		return err
	}
	a, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	if _, err := a.Lifecycle.DestroyKeyVersion(ctx, c.Version, retention); err != nil {
		return err
	}
	rest := ring.Without(c.Version)
	if c.MasterKeyFile != "" && os.Getenv("PURSE_MASTER_KEY") == "" {
		if err := writeKeyFile(c.MasterKeyFile, rest.Format()); err != nil {
			return fmt.Errorf("version %d is recorded as destroyed, but the key file was not rewritten: %w", c.Version, err)
		}
		fmt.Fprintf(out, "version %d destroyed and removed from %s; remove it from every other copy of the key (secrets manager, other instances) too\n", c.Version, c.MasterKeyFile)
		return nil
	}
	fmt.Fprintf(out, "version %d recorded as destroyed. Replace PURSE_MASTER_KEY, everywhere it is kept, by:\n%s", c.Version, rest.Format())
	return nil
}

// writeKeyFile replaces the key file with text, through a new file renamed over it (mode 0600).
func writeKeyFile(path, text string) error {
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
