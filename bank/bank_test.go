package bank

import (
	"testing"
	"time"
)

func TestLuhn(t *testing.T) {
	t.Parallel()
	for n, want := range map[string]bool{
		"6222021234567890128": true, "4111111111111111": true, "4111111111111112": false,
		"411111111111111a": false, "": false, "0000": false,
	} {
		if got := Luhn(n); got != want {
			t.Errorf("Luhn(%q) = %v, want %v", n, got, want)
		}
	}
}

func TestSettlementDays(t *testing.T) {
	t.Parallel()
	loc := Shanghai()
	fri := time.Date(2026, 3, 6, 15, 0, 0, 0, loc) // a Friday afternoon in Shanghai
	if got, want := NextMidnight(fri, loc), time.Date(2026, 3, 7, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("NextMidnight = %v, want %v", got, want)
	}
	if got, want := NextWorkingDay(fri, loc), time.Date(2026, 3, 9, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("NextWorkingDay = %v, want %v", got, want)
	}
}
