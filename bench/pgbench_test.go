package bench

import "testing"

// pgbench runs at one branch per client unless told (issue 19: at scale 10, 64 clients measured
// the branch rows' lock queue, 36 tps), and never under PGBenchScale.
func TestPGBenchScaleIsFair(t *testing.T) {
	for _, c := range []struct{ clients, asked, want int }{
		{16, 0, 16}, {64, 0, 64}, {4, 0, PGBenchScale}, {64, 100, 100},
	} {
		if got := pgbenchScale(c.clients, c.asked); got != c.want {
			t.Errorf("pgbenchScale(%d, %d) = %d, want %d", c.clients, c.asked, got, c.want)
		}
	}
}
