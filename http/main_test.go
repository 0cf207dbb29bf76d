package http_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// minParallel is how many of this package's parallel tests run at once at least. Most of the
// package's time is spent waiting, not computing: on the floors the timing tests hold (a
// registration's or a recovery's least time), on PostgreSQL's commits, on hundreds of sequential
// requests: alone on a 2-core machine, at go test's default of GOMAXPROCS (2) tests at once, it
// took 349 s of wall time for 88 s of the test process's CPU.
const minParallel = 4

// TestMain raises the number of parallel tests to minParallel unless -parallel was given.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && runtime.GOMAXPROCS(0) < minParallel {
		if err := flag.Set("test.parallel", strconv.Itoa(minParallel)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
