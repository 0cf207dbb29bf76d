package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/logs"
)

// RetentionFlags set the retention policy (docs/retention.md). serve's jobs and purge read them.
type RetentionFlags struct {
	RetentionPersonal string `default:"30d" env:"PURSE_RETENTION_PERSONAL" help:"How long personal data is kept after closure before it is crypto-shredded (GE-8): <n>d, <n>y or a duration."`
	RetentionRecords  string `default:"5y" env:"PURSE_RETENTION_RECORDS" help:"How long AML records are kept after closure before they are purged: <n>y (5y by law, some rules 10y)."`
	RecordsIdentity   string `default:"name,phone" env:"PURSE_RECORDS_IDENTITY" help:"Which identity fields the AML records keep after the personal-data purge, sealed under a records key, until the records purge: a comma list of name and phone, or none."`
}

// Policy parses the flags.
func (f RetentionFlags) RetentionPolicy() (lifecycle.Policy, error) {
	p := lifecycle.DefaultPolicy
	var err error
	if p.Personal, err = lifecycle.ParsePeriod(f.RetentionPersonal); err != nil {
		return p, fmt.Errorf("--retention-personal: %w", err)
	}
	if p.Records, err = lifecycle.ParsePeriod(f.RetentionRecords); err != nil {
		return p, fmt.Errorf("--retention-records: %w", err)
	}
	if p.RecordsIdentity, err = lifecycle.ParseRecordsIdentity(f.RecordsIdentity); err != nil {
		return p, fmt.Errorf("--records-identity: %w", err)
	}
	if p.Personal == (lifecycle.Period{}) || p.Records == (lifecycle.Period{}) {
		return p, fmt.Errorf("retention periods must be longer than zero")
	}
	// The records outlive the personal data: purging records first would leave nothing to erase.
	now := time.Now()
	if p.Records.After(now).Before(p.Personal.After(now)) {
		return p, fmt.Errorf("--retention-records (%s) must not be shorter than --retention-personal (%s)", p.Records, p.Personal)
	}
	return p, nil
}

// PurgeCmd runs the retention purges once, or lists what they would do.
type PurgeCmd struct {
	StoreFlags
	RetentionFlags
	MasterKeyFile string `env:"PURSE_MASTER_KEY_FILE" help:"File holding the 32-byte master key (hex or base64). PURSE_MASTER_KEY may hold it instead."`
	TimeZone      string `default:"Asia/Shanghai" env:"PURSE_TIME_ZONE" help:"Time zone for times in notices."`
	DryRun        bool   `help:"List what would be purged now and why, and change nothing."`
	// The purge signs erasure receipts and links to them (issue 16): with serve's key and URL.
	CertificateKey  string        `env:"PURSE_CERTIFICATE_KEY_FILE" help:"File holding the Ed25519 seed that signs closure certificates; the purge signs erasure receipts with it (required unless --dry-run)."`
	BaseURL         string        `env:"PURSE_BASE_URL" help:"Public URL of the server, for the documents link in the erasure notices (required unless --dry-run)."`
	DocumentLinkTTL time.Duration `name:"document-link-ttl" default:"2160h" env:"PURSE_DOCUMENT_LINK_TTL" help:"How long the documents link in the erasure notice works."`
}

// Run purges or lists.
func (c *PurgeCmd) Run() error { return c.run(context.Background(), os.Stdout) }

func (c *PurgeCmd) run(ctx context.Context, out io.Writer) error {
	policy, err := c.RetentionPolicy()
	if err != nil {
		return err
	}
	// The master key is needed even for a dry run: the notice step decrypts the address.
	key, err := masterKey(c.MasterKeyFile, false, c.DB)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", c.TimeZone, err)
	}
	clk := purse.SystemClock{}
	if err := c.existing(); err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, c.DB, clk)
	if err != nil {
		return err
	}
	defer store.Close()
	// Outside a dry run the erasures issue signed receipts and notices with links: a receipt
	// signed by a key no one publishes, or a link relative to nothing, would be worthless.
	var signer *certificate.Signer
	if !c.DryRun {
		if c.CertificateKey == "" || c.BaseURL == "" {
			return errors.New("purse purge signs erasure receipts and links to them: give --certificate-key and --base-url, as to purse serve")
		}
		if signer, err = certificate.LoadOrCreate(c.CertificateKey, false); err != nil {
			return err
		}
	}
	a, err := app.New(ctx, store, app.Config{Keys: &key, Clock: clk, Location: loc, Retention: policy,
		Certificates: signer, BaseURL: c.BaseURL, DocumentLinkTTL: c.DocumentLinkTTL,
		Log: logs.New("text", os.Stderr, slog.LevelWarn),
		// Purging posts nothing through a bank; the services are built whole all the same.
		Gateway: bank.Sandbox{}, DevOutbox: true})
	if err != nil {
		return err
	}
	if c.DryRun {
		plan, err := a.Lifecycle.Plan(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "retention: personal data %s, AML records %s after closure\n", policy.Personal, policy.Records)
		if len(plan) == 0 {
			fmt.Fprintln(out, "nothing to purge now")
			return nil
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ACCOUNT\tSTEP\tCLOSED\tDUE\tWHY")
		for _, p := range plan {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.AccountID, p.Step, p.ClosedAt.In(loc).Format(time.DateOnly),
				p.DueAt.In(loc).Format(time.DateOnly), p.Reason)
		}
		return w.Flush()
	}
	for _, t := range a.Lifecycle.Tasks() {
		total := 0
		for {
			n, err := t.Run(ctx)
			total += n
			if err != nil {
				return fmt.Errorf("%s: %w (%d accounts done before)", t.Name, err, total)
			}
			if n < t.Batch {
				break
			}
		}
		fmt.Fprintf(out, "%s: %d accounts\n", t.Name, total)
	}
	return nil
}
