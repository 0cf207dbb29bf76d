package notify_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify"
)

func TestMask(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ch       purse.Channel
		to, want string
	}{
		{purse.ChannelSMS, "13900000001", "139****0001"},
		{purse.ChannelSMS, "+8613900000001", "+86*******0001"},
		{purse.ChannelSMS, "12345", "***"},
		{purse.ChannelEmail, "li.lei@example.com", "l***@example.com"},
		{purse.ChannelEmail, "李雷@例子.中国", "李***@例子.中国"},
		{purse.ChannelEmail, "broken", "***"},
		{purse.ChannelWebhook, "https://platform.example/hooks/acct-42?token=x", "https://platform.example/…"},
		{purse.ChannelWebhook, "not a url", "***"},
	} {
		if got := notify.Mask(c.ch, c.to); got != c.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", c.ch, c.to, got, c.want)
		}
	}
}
