package account_test

import (
	"testing"

	"github.com/purse-wallet/purse/account"
)

func TestPhones(t *testing.T) {
	for in, want := range map[string]string{
		"13800000000": "13800000000", "+86 138 0000 0000": "13800000000", "138-0000-0000": "13800000000",
		"+447911123456": "+447911123456",
	} {
		if got, err := account.NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "12800000000", "1380000000", "138000000000", "+86123", "phone", "+8613800000000x"} {
		if _, err := account.NormalizePhone(bad); err == nil {
			t.Errorf("NormalizePhone(%q) accepted", bad)
		}
	}
}

func TestPaymentPasswords(t *testing.T) {
	for _, good := range []string{"135790", "802461", "112233"} {
		if err := account.CheckPaymentPassword(good); err != nil {
			t.Errorf("%s refused: %v", good, err)
		}
	}
	for _, weak := range []string{"123456", "654321", "000000", "999999", "12345", "1234567", "12345a", "１２３４５６", "345678"} {
		if err := account.CheckPaymentPassword(weak); err == nil {
			t.Errorf("%s accepted", weak)
		}
	}
}

func TestEmailsAndMasks(t *testing.T) {
	if e, err := account.NormalizeEmail(" Alice@Example.COM "); err != nil || e != "alice@example.com" {
		t.Errorf("NormalizeEmail = %q, %v", e, err)
	}
	for _, bad := range []string{"a", "a@b", "Alice <a@b.com>", "a@@b.com"} {
		if _, err := account.NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
	if m := account.MaskPhone("13800000000"); m != "138****0000" {
		t.Errorf("mask = %s", m)
	}
}
