package closure

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

func TestPresetsLoad(t *testing.T) {
	t.Parallel()
	want := []string{"alipay", "imwallet", "postal", "strict", "tenpay"}
	if got := Presets(); !slices.Equal(got, want) {
		t.Fatalf("presets %v, want %v", got, want)
	}
	for _, name := range want {
		p, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Name != name {
			t.Fatalf("preset %s names itself %s", name, p.Name)
		}
	}
	// DESIGN.md §2's table, row by row.
	strict, _ := Load("strict")
	if strict.CoolingOff.Duration != 7*24*time.Hour || !strict.Cascade || !strict.Has(CheckEnvironment) || strict.DeadlineDays != 15 {
		t.Fatalf("strict %+v", strict)
	}
	tenpay, _ := Load("tenpay")
	if tenpay.Cascade || !tenpay.Has(CheckQuickPay) || !tenpay.Has(CheckOneClickPay) || tenpay.CoolingOff.Duration != 0 {
		t.Fatalf("tenpay %+v", tenpay)
	}
	postal, _ := Load("postal")
	if !slices.Equal(postal.Checks, []string{CheckBalance}) || !slices.Contains(postal.Factors(purse.KindMobile, false), FactorCaptcha) {
		t.Fatalf("postal %+v", postal)
	}
	im, _ := Load("imwallet")
	if !im.SubmitOnLink || !slices.Contains(im.Factors(purse.KindMobile, true), FactorEmailLink) {
		t.Fatalf("imwallet %+v", im)
	}
	ali, _ := Load("alipay")
	// AP-6: the form differs by account kind.
	if slices.Equal(ali.Factors(purse.KindMobile, false), ali.Factors(purse.KindVerified, false)) {
		t.Fatal("alipay asks the same of mobile-only and verified accounts")
	}
	// The e-mail link applies only where an e-mail exists.
	if slices.Contains(strict.Factors(purse.KindMobile, false), FactorEmailLink) {
		t.Fatal("e-mail link required of an account without e-mail")
	}
}

func TestPolicyErrors(t *testing.T) {
	t.Parallel()
	good, err := presets.ReadFile("policies/strict.toml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, edit, reason string
		line               int
	}{
		{"unknown key", strings.Replace(string(good), "manual_review = false", "manual_review = false\ncooling_of = \"7d\"", 1), `unknown key "cooling_of"`, 8},
		{"unknown nested key", strings.Replace(string(good), "records = \"1826d\"", "records = \"1826d\"\nbackups = \"1d\"", 1), `unknown key "retention.backups"`, 25},
		{"bad duration", strings.Replace(string(good), `cooling_off = "7d"`, `cooling_off = "a week"`, 1), "bad duration", 11},
		{"unknown check", strings.Replace(string(good), `"stored"`, `"stored", "karma"`, 1), `unknown check "karma"`, 4},
		{"unknown factor", strings.Replace(string(good), `merchant = ["payment_password"`, `merchant = ["fingerprint"`, 1), `unknown factor "fingerprint"`, 20},
		{"bad deadline", strings.Replace(string(good), "deadline_days = 15", "deadline_days = 0", 1), "deadline_days", 12},
		{"bad syntax", strings.Replace(string(good), "cascade = true", "cascade = ", 1), "", 6},
	}
	for _, c := range cases {
		_, err := Parse("x.toml", []byte(c.edit))
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: err %v, want a PolicyError", c.name, err)
		}
		if pe.File != "x.toml" || pe.Line != c.line || !strings.Contains(pe.Reason, c.reason) {
			t.Fatalf("%s: got %s, want line %d with %q", c.name, pe, c.line, c.reason)
		}
	}
	// A file on disk is named in the error.
	path := filepath.Join(t.TempDir(), "op.toml")
	os.WriteFile(path, []byte("name = \"op\"\nwat = 1\n"), 0o600)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path+":2: unknown key") {
		t.Fatalf("file error %v", err)
	}
	if _, err := Load("nope"); err == nil {
		t.Fatal("unknown preset loaded")
	}
}
