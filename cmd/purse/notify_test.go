package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/notify/notifytest"
)

func TestNotifyTestCommand(t *testing.T) {
	t.Parallel()
	mb := notifytest.NewMailbox(t)
	// The password comes from a file, never the URL (issue 13).
	pw := filepath.Join(t.TempDir(), "smtp.pw")
	if err := os.WriteFile(pw, []byte(notifytest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inURL := &NotifyTestCmd{NotifyFlags: NotifyFlags{SMTPURL: mb.FullURL(), SMTPTLS: "none", MailFrom: notifytest.From},
		To: "ops@example.com", Channel: "email", Language: "zh-CN"}
	if err := inURL.Run(); err == nil || !strings.Contains(err.Error(), "PURSE_SMTP_PASSWORD") {
		t.Fatalf("a password in --smtp-url: %v", err)
	}
	cmd := &NotifyTestCmd{NotifyFlags: NotifyFlags{SMTPURL: mb.URL(), SMTPPasswordFile: pw, SMTPTLS: "none", MailFrom: notifytest.From},
		To: "ops@example.com", Channel: "email", Language: "zh-CN"}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	got := mb.To(t, "ops@example.com")
	if len(got) != 1 || got[0].Subject != "purse 测试通知" || !strings.Contains(got[0].Body, "purse notify test") {
		t.Fatalf("mailbox: %+v", got)
	}
	mb.RejectRecipients()
	if err := cmd.Run(); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("rejected recipient: %v", err)
	}
	none := &NotifyTestCmd{To: "13900000000", Channel: "sms"}
	if err := none.Run(); err == nil || !strings.Contains(err.Error(), "no provider") {
		t.Fatalf("no provider: %v", err)
	}
}
