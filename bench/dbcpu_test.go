package bench

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	// A command name with a space and a parenthesis, as a process may name itself.
	line := "4242 (post gres) x) S 17 4242 4242 0 -1 4194560 900 0 0 0 120 35 7 3 20 0 1 0 100 0 0\n"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{comm: "post gres) x", ppid: 17, utime: 120, stime: 35, cutime: 7, cstime: 3}
	if got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", "4242 no parens S 1 2", "4242 (short) S 1 2 3"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) accepted a malformed line", bad)
		}
	}
}

func TestReadStatSelf(t *testing.T) {
	s, err := readStat(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if s.ppid != os.Getppid() {
		t.Errorf("ppid %d, want %d", s.ppid, os.Getppid())
	}
}
