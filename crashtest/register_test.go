package crashtest

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify/notifytest"
)

// registrationCode starts a registration for phone on the process at base (registration by SMS
// code, issue 14) and returns the code (see smsCode). A 503 with Retry-After (the store busy
// under load) is asked again.
func registrationCode(t *testing.T, base string, store purse.Store, sms *notifytest.Receiver, phone string) string {
	t.Helper()
	for try := 0; ; try++ {
		a := call(t, base, "POST", "/api/v1/registrations", map[string]string{"phone": phone})
		if a.status == 202 {
			break
		}
		if a.status != 503 || try >= 5 {
			t.Errorf("start registration %s: %d %s", phone, a.status, a.body)
			return ""
		}
		time.Sleep(2 * time.Second)
	}
	return smsCode(t, store, sms, phone, "registration_code")
}

// smsCode is the code of the newest message of template to phone: from the outbox in the store
// while it waits there, or, once delivered (the outbox then erases its contents, issue 15), from
// what the SMS webhook sms received under the message's id, as the phone did. sms may be nil for
// servers without an SMS provider: their dev outbox keeps the contents.
func smsCode(t *testing.T, store purse.Store, sms *notifytest.Receiver, phone, template string) string {
	t.Helper()
	ctx := context.Background()
	var msgs []*purse.Message
	err := store.Read(ctx, func(tx purse.Tx) (err error) {
		msgs, err = tx.MessagesTo(ctx, phone, 10)
		return err
	})
	if err != nil {
		t.Errorf("outbox to %s: %v", phone, err)
		return ""
	}
	for _, m := range msgs { // newest first
		if m.Template != template {
			continue
		}
		if code := m.Data["Code"]; code != "" || sms == nil {
			return code
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			_, bodies, _, _ := sms.Snapshot()
			for _, b := range bodies {
				if b["id"] == m.ID {
					text, _ := b["body"].(string)
					return sixDigits.FindString(text)
				}
			}
		}
		t.Errorf("%s to %s: erased from the outbox and not at the SMS provider", template, phone)
		return ""
	}
	t.Errorf("no %s reached %s", template, phone)
	return ""
}

// sixDigits finds a one-time code in a message's text.
var sixDigits = regexp.MustCompile(`\b\d{6}\b`)
