package closure_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/closure"
)

// FuzzParse feeds the policy parser arbitrary files: it never panics, every refusal names the file,
// and every policy it accepts is one purse can run (issue 7: the policy parser).
func FuzzParse(f *testing.F) {
	presets, _ := filepath.Glob("policies/*.toml")
	for _, p := range presets {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		f.Add([]byte(strings.Replace(string(raw), "7d", "-7d", 1)))
		f.Add([]byte(strings.Replace(string(raw), `"balance"`, `"balanse"`, 1)))
	}
	f.Add([]byte(`name = 1`))
	f.Add([]byte("[verification]\nverified = [\"telepathy\"]"))
	f.Add([]byte{0xff, 0xfe, '='})
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := closure.Parse("fuzz.toml", raw)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.toml") {
				t.Fatalf("a refusal that does not name the file: %v", err)
			}
			return
		}
		if p.Name == "" || p.CoolingOff.Duration < 0 || p.WithdrawalWindow.Duration < 0 {
			t.Fatalf("an unrunnable policy was accepted: %+v", p)
		}
	})
}
