package bench

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used so far, user and system. The closure and
// argon2id measurements report theirs per flow and per hash: on this shared virtual machine the
// rates drift by a quarter within an hour, while the CPU a flow costs moves far less, so it is what
// tells whether a change made a flow cheaper. A PostgreSQL server's own CPU is not in it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuPer is the CPU time per unit, in milliseconds.
func cpuPer(d time.Duration, n int64) float64 {
	if n <= 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000 / float64(n)
}
