// Command purse runs the purse wallet server and its operator tools.
package main

import (
	"fmt"
	"os"

	"github.com/alecthomas/kong"
	_ "time/tzdata" // the operator's time zone must load on machines without a zoneinfo database
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// CLI is every subcommand and flag. Each flag is also an environment variable PURSE_*.
type CLI struct {
	Serve   ServeCmd   `cmd:"" help:"Run the HTTP server."`
	Migrate MigrateCmd `cmd:"" help:"Apply pending database migrations and exit."`
	Admin   AdminCmd   `cmd:"" help:"Operator helpers."`
	Purge   PurgeCmd   `cmd:"" help:"Run the retention purges now (--dry-run lists what they would do)."`
	Keys    KeysCmd    `cmd:"" help:"Master-key versions: status, rotate, destroy (docs/deployment.md)."`
	Records RecordsCmd `cmd:"" help:"The AML records: a purged account's records identity, for an inquiry the law allows (docs/retention.md)."`
	Audit   AuditCmd   `cmd:"" help:"Check the tamper-evident audit log."`
	Notify  NotifyCmd  `cmd:"" help:"Check the message providers."`
	Bench   BenchCmd   `cmd:"" help:"Load measurements on a scratch database (docs/BENCHMARKS.md)."`
	Version VersionCmd `cmd:"" help:"Print the version."`

	VerifyCertificate VerifyCertificateCmd `cmd:"" name:"verify-certificate" help:"Check a closure certificate's signature."`
}

func main() {
	var cli CLI
	ctx := kong.Parse(&cli, kong.Name("purse"),
		kong.Description("purse: a self-hosted digital wallet with a safe, compliant account closure."),
		kong.UsageOnError())
	if err := ctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "purse:", err)
		os.Exit(1)
	}
}

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints the version.
func (VersionCmd) Run() error {
	fmt.Println("purse", version)
	return nil
}
