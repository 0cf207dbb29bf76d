package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/purse-wallet/purse/bench"
)

// BenchFlags are the flags every bench subcommand shares.
type BenchFlags struct {
	DB       string        `default:"" help:"Store to measure: empty for SQLite in a temporary directory, or a postgres:// URL (a fresh schema is made and dropped)."`
	Duration time.Duration `default:"5s" help:"Length of each timed measurement (at most 2m)."`
	Runs     int           `default:"1" help:"Runs, each on a fresh store; with more than one the medians are printed last."`
	JSON     bool          `help:"Print JSON instead of tables."`
	// CPUProfile is how to find what bounds a figure: the profile covers every run.
	CPUProfile string `help:"Write a CPU profile of the runs to this file."`
}

// run measures o Runs times and prints each run and, with several, the medians.
func (f BenchFlags) run(ctx context.Context, out io.Writer, o bench.Options) error {
	if f.Runs < 1 || f.Runs > 20 {
		return fmt.Errorf("--runs must be between 1 and 20")
	}
	// An interrupted run still drops its schema or temporary directory: the measurements stop
	// on the cancelled context and the server's Close runs.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.DB, o.Duration = f.DB, f.Duration
	if f.CPUProfile != "" {
		w, err := os.Create(f.CPUProfile)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := pprof.StartCPUProfile(w); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var rs []*bench.Result
	for i := range f.Runs {
		r, err := bench.Run(ctx, o)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		rs = append(rs, r)
		if !f.JSON {
			if err := bench.Print(out, fmt.Sprintf("run %d", i+1), r); err != nil {
				return err
			}
		}
	}
	med := bench.Median(rs)
	if f.JSON {
		return bench.PrintJSON(out, map[string]any{"runs": rs, "median": med})
	}
	if f.Runs > 1 {
		return bench.Print(out, fmt.Sprintf("median of %d", f.Runs), med)
	}
	return nil
}

func stdout() io.Writer { return os.Stdout }
