package notify_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify"
)

func TestForAccount(t *testing.T) {
	t.Parallel()
	data := map[string]string{"Note": "x"}
	n, ok := notify.ForAccount(&purse.Account{ID: "a1", Phone: "13900000001", Email: "li@example.com", Language: "en"}, "test_notice", data)
	if !ok || n.Channel != purse.ChannelEmail || n.To != "li@example.com" || n.Language != "en" || n.AccountID != "a1" || n.Data["Note"] != "x" {
		t.Fatalf("with e-mail: %+v", n)
	}
	n, ok = notify.ForAccount(&purse.Account{ID: "a2", Phone: "13900000001", Language: "zh-CN"}, "test_notice", data)
	if !ok || n.Channel != purse.ChannelSMS || n.To != "13900000001" || n.Language != "zh-CN" {
		t.Fatalf("phone only: %+v", n)
	}
	if _, ok := notify.ForAccount(&purse.Account{ID: "a3"}, "test_notice", data); ok {
		t.Fatal("a purged account was addressed")
	}
}
