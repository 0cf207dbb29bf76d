package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/purse-wallet/purse/bench"
)

// BenchInstructionsCmd counts the instructions of one closure flow or one transfer, purse's whole
// process (server, SQLite, load generator), with valgrind: it runs `purse bench ops` under
// cachegrind at two counts with the same setup and divides the difference (issue 19).
// Instructions do not move with the machine's load as CPU times do. A PostgreSQL server's own are
// not counted here (docs/BENCHMARKS.md, "the flow's cost in instructions", counts them apart).
//
// Cachegrind, not callgrind: valgrind 3.19's callgrind aborts on the signals Go's runtime sends
// itself (an assertion in its signal tracking), and the count needed is only the total. Go's
// runtime reads the clock with RDTSCP when the CPU has it, an instruction valgrind 3.19 does not
// know, so the runs set GODEBUG=cpu.rdtscp=off.
//
// The garbage collector is off in the counted runs (GOGC=off) unless --gc: how much marking a
// run does depends on when its cycles start and on idle marking, both timing, and two runs of the
// same counts differed by a fifth with it on and by 2.5 % without it (docs/BENCHMARKS.md).
type BenchInstructionsCmd struct {
	DB       string        `default:"" help:"Store, as bench ops's --db."`
	Op       string        `default:"transfer" enum:"flow,transfer" help:"What to count, as bench ops's --op."`
	Clients  int           `default:"16" help:"Concurrent clients (closed loop)."`
	N        []int         `default:"200,1200" help:"The two counts of operations (flows: 40,240 takes a few minutes)."`
	Warm     int           `default:"32" help:"Operations run first and not counted, at both counts."`
	Accounts int           `default:"0" help:"As bench ops's --accounts; 0: 64 for transfers, --warm + the larger count for flows (the same at both counts)."`
	Repeat   int           `default:"1" help:"Times to run the pair, to see how far the count repeats."`
	Valgrind string        `default:"valgrind" help:"The valgrind to run."`
	Args     []string      `name:"valgrind-arg" help:"More arguments for valgrind (repeatable)."`
	Out      string        `default:"" help:"Directory for valgrind's files and logs (default: a new one under the temporary directory)."`
	Idle     time.Duration `default:"0s" help:"As bench ops's --idle, at both counts."`
	Deadline time.Duration `default:"0s" help:"As bench ops's --deadline: how long a request may wait on the database (0: purse's default, 5 s). A process under valgrind runs about fifty times slower, and on a loaded machine a warm-up request could pass the default."`
	GC       bool          `help:"Leave the garbage collector on in the counted runs (GOGC as the environment sets it), for its share: the count then moves from run to run by a fifth."`
}

// Run counts.
func (c *BenchInstructionsCmd) Run() error {
	if len(c.N) != 2 || c.N[0] >= c.N[1] {
		return fmt.Errorf("--n takes two counts, the smaller first: got %v", c.N)
	}
	if c.Repeat < 1 || c.Repeat > 10 {
		return fmt.Errorf("--repeat must be between 1 and 10")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir := c.Out
	if dir == "" {
		if dir, err = os.MkdirTemp("", "purse-callgrind-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	accounts := c.Accounts
	if accounts <= 0 && c.Op == bench.OpFlow {
		accounts = c.Warm + c.N[1]
	}
	const row = "%-8s  %7s  %6s  %9s  %14s  %7s  %12s\n"
	fmt.Printf(row, "OP", "CLIENTS", "REPEAT", "N", "INSTRUCTIONS", "SECONDS", "PER OP")
	for rep := 1; rep <= c.Repeat; rep++ {
		var ins [2]int64
		for k, n := range c.N {
			name := filepath.Join(dir, fmt.Sprintf("%s-c%d-n%d-r%d", c.Op, c.Clients, n, rep))
			args := append([]string{"--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + name + ".out", "--log-file=" + name + ".log"}, c.Args...)
			args = append(args, c.opsArgs(self, n, accounts)...)
			cmd := exec.Command(c.Valgrind, args...)
			cmd.Env = append(os.Environ(), "GODEBUG="+godebug("cpu.rdtscp=off"))
			if !c.GC {
				cmd.Env = append(cmd.Env, "GOGC=off")
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s %v: %w (valgrind's log: %s.log)", c.Valgrind, args, err, name)
			}
			var r bench.OpsResult
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				return fmt.Errorf("bench ops printed %q: %w", out.String(), err)
			}
			f, err := os.Open(name + ".out")
			if err != nil {
				return err
			}
			ins[k], err = bench.ValgrindTotal(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s.out: %w", name, err)
			}
			fmt.Printf(row, c.Op, strconv.Itoa(c.Clients), strconv.Itoa(rep), strconv.Itoa(n), strconv.FormatInt(ins[k], 10),
				strconv.FormatFloat(r.Seconds, 'f', 1, 64), "")
		}
		per, err := bench.PerOp(c.N[0], ins[0], c.N[1], ins[1])
		if err != nil {
			return err
		}
		fmt.Printf(row, c.Op, strconv.Itoa(c.Clients), strconv.Itoa(rep), fmt.Sprintf("%d−%d", c.N[1], c.N[0]), "", "",
			strconv.FormatFloat(per, 'f', 0, 64))
	}
	fmt.Fprintf(os.Stderr, "valgrind's files: %s\n", dir)
	return nil
}

// opsArgs is the `purse bench ops` command line counted at n operations.
func (c *BenchInstructionsCmd) opsArgs(self string, n, accounts int) []string {
	return []string{self, "bench", "ops", "--op", c.Op, "--clients", strconv.Itoa(c.Clients), "--n", strconv.Itoa(n),
		"--warm", strconv.Itoa(c.Warm), "--accounts", strconv.Itoa(accounts), "--idle", c.Idle.String(),
		"--deadline", c.Deadline.String(), "--db", c.DB}
}

// godebug adds setting to the environment's GODEBUG.
func godebug(setting string) string {
	if g := os.Getenv("GODEBUG"); g != "" {
		return g + "," + setting
	}
	return setting
}
