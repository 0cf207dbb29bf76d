package bench

import (
	"strings"
	"testing"
)

func TestValgrindTotal(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       int64
		err        bool
	}{
		{"totals", "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 90\nfl=(1) a.go\nfn=(1) main\n3 5\ntotals: 1234567890123\n", 1234567890123, false},
		{"summary only", "events: Ir\nsummary: 42\n", 42, false},
		{"cachegrind", "desc: I1 cache: none\ncmd: purse bench ops\nevents: Ir\nfl=a.go\nfn=main\n3 5\nsummary: 1295974416\n", 1295974416, false},
		{"several events", "events: Ir Dr Dw\ntotals: 7 3 2\n", 7, false},
		{"neither", "events: Ir\nfn=(1) main\n", 0, true},
		{"no count", "events: Ir\ntotals:\n", 0, true},
	} {
		got, err := ValgrindTotal(strings.NewReader(c.file))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s: %d, %v; want %d, error %v", c.name, got, err, c.want, c.err)
		}
	}
}

func TestPerOp(t *testing.T) {
	// 1,000 of setup and 30 an operation: the setup cancels out.
	got, err := PerOp(10, 1000+10*30, 40, 1000+40*30)
	if err != nil || got != 30 {
		t.Errorf("PerOp: %v, %v; want 30", got, err)
	}
	if _, err := PerOp(40, 1, 40, 2); err == nil {
		t.Error("PerOp with equal counts: no error")
	}
}
