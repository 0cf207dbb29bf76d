package web

import "testing"

func TestParseYuan(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"12": 1200, "12.5": 1250, "12.50": 1250, "0.29": 29, "0.01": 1, " ¥3.07 ": 307,
		"9999999999999.99": 999999999999999, "007": 700} {
		if got, ok := parseYuan(in); !ok || got != want {
			t.Errorf("parseYuan(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", ".", ".5", "5.", "1.234", "-1", "+1", "1e2", "1,000", "１２", "10000000000000", "0x10", "1 2"} {
		if got, ok := parseYuan(in); ok {
			t.Errorf("parseYuan(%q) = %d, want refused", in, got)
		}
	}
}

func TestYuan(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 1250: "¥12.50", 123456789: "¥1,234,567.89", -30000: "-¥300.00"} {
		if got := yuan(in); got != want {
			t.Errorf("yuan(%d) = %q, want %q", in, got, want)
		}
	}
	if got := amountOf(1500, "PTS"); got != "1,500" {
		t.Errorf("points shown as %q", got)
	}
}
