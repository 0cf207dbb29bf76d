package main

// BenchCmd measures purse on this machine (docs/BENCHMARKS.md). Each measurement is a
// subcommand of its own type and file, so others (the ledger's) can join without touching these.
type BenchCmd struct {
	Eligibility  BenchEligibilityCmd  `cmd:"" help:"Eligibility checks per second and their latency through HTTP."`
	Closure      BenchClosureCmd      `cmd:"" help:"Complete closure flows per second, against the argon2id bound."`
	Purge        BenchPurgeCmd        `cmd:"" help:"Purge rate for closed accounts, with the API's latency before and during."`
	All          BenchAllCmd          `cmd:"" help:"Every measurement above, on one server per run."`
	Ledger       BenchLedgerCmd       `cmd:"" help:"Transfers per second and their latency, in-process and through HTTP."`
	Payments     BenchPaymentsCmd     `cmd:"" help:"Transfers with the payment password against without, closure-flow CPU against transfer CPU, and pgbench, in one run."`
	Scale        BenchScaleCmd        `cmd:"" help:"Latency at several data sizes, loaded in bulk: is it flat as the data grows?"`
	Ops          BenchOpsCmd          `cmd:"" help:"A fixed number of closure flows or transfers after the same setup (what bench instructions counts)."`
	Instructions BenchInstructionsCmd `cmd:"" help:"Instructions per closure flow or transfer, counted with valgrind (cachegrind) at two counts."`
}
