package bench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ValgrindTotal reads the instructions a cachegrind or callgrind output file counted (its first
// event is Ir, instructions executed): callgrind's "totals:" line, or the "summary:" line
// (cachegrind's, and callgrind's header) when the file has no totals.
func ValgrindTotal(r io.Reader) (int64, error) {
	var total, summary int64 = -1, -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, key := range []string{"totals:", "summary:"} {
			rest, ok := strings.CutPrefix(line, key)
			if !ok {
				continue
			}
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, fmt.Errorf("bench: valgrind %s line without a count", key)
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bench: valgrind %s line: %w", key, err)
			}
			if key == "totals:" {
				total = n
			} else {
				summary = n
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	switch {
	case total >= 0:
		return total, nil
	case summary >= 0:
		return summary, nil
	}
	return 0, fmt.Errorf("bench: no valgrind totals or summary line")
}

// PerOp is one operation's instructions from two runs that differ only in how many operations
// they counted (n1 < n2, with i1 and i2 instructions): the setup both share cancels out.
func PerOp(n1 int, i1 int64, n2 int, i2 int64) (float64, error) {
	if n2 <= n1 {
		return 0, fmt.Errorf("bench: the second run must count more operations than the first, got %d and %d", n1, n2)
	}
	return float64(i2-i1) / float64(n2-n1), nil
}
