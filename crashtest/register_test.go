package crashtest

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// registrationCode starts a registration for phone on the process at base (registration by SMS
// code, issue 14) and returns the code, read from the outbox in the store as a phone would
// receive it. A 503 with Retry-After (the store busy under load) is asked again.
func registrationCode(t *testing.T, base string, store purse.Store, phone string) string {
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
		if m.Template == "registration_code" {
			return m.Data["Code"]
		}
	}
	t.Errorf("no registration code reached %s", phone)
	return ""
}
