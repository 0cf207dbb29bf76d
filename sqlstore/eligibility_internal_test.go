package sqlstore

import "testing"

func TestParseBooksRefusesMalformedEntries(t *testing.T) {
	for _, s := range []string{"balance", "balance CNY", "balance CNY x", "balance CNY 1,", "balance CNY 99999999999999999999"} {
		if b, err := parseBooks(s); err == nil {
			t.Errorf("parseBooks(%q) = %+v, want an error", s, b)
		}
	}
	if b, err := parseBooks(""); err != nil || b != nil {
		t.Errorf(`parseBooks("") = %+v, %v; want none`, b, err)
	}
}
