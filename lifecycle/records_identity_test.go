package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/lifecycle"
)

// TestRecordsIdentityOutlivesThePersonalPurge is the AML finding of issue 15: with the defaults,
// nothing tied the five-year ledger records to a person after day 30. Now the name and phone are
// kept sealed under a records key of their own: after the personal-data purge (data key
// destroyed, e-mail gone) they open with the records key, and after the records purge nothing
// opens. Before issue 15 RecordsIdentity did not exist; the data the law wants was simply gone.
func TestRecordsIdentityOutlivesThePersonalPurge(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		phone := apitest.NextPhone()
		id := register(t, e, phone, "records@example.com", "钱记录")
		e.MarkClosed(t, id)
		purgeDue(t, e, id)
		ctx := context.Background()

		a := account(t, e, id)
		if a.Status != purse.StatusPurged || a.PhoneSealed != nil || a.NameSealed != nil {
			t.Fatalf("the personal purge left %+v", a)
		}
		got, err := e.App.Lifecycle.RecordsIdentity(ctx, id)
		if err != nil || got != (lifecycle.Identity{Name: "钱记录", Phone: phone}) {
			t.Fatalf("records identity after the personal purge: %+v, %v", got, err)
		}
		// An inquiry is audited with its reason; none is refused.
		if _, err := e.App.Lifecycle.ReadRecordsIdentity(ctx, id, "system:cli", " "); err == nil {
			t.Error("a records identity was read without a reason")
		}
		if got, err := e.App.Lifecycle.ReadRecordsIdentity(ctx, id, "system:cli", "PBOC request 2031-7"); err != nil || got.Phone != phone {
			t.Fatalf("audited read: %+v, %v", got, err)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action = 'retention.records_identity_read' AND subject = ?`, id); n != 1 {
			t.Errorf("%d audit events for the records identity read, want 1", n)
		}
		// Kept sealed, under its own key: neither value is in the row in clear, and the account's
		// destroyed data key is not what opens it.
		var wrapped, sealed []byte
		if err := e.DB.SQL().QueryRow(rebind(e, `SELECT wrapped, identity_sealed FROM records_identity WHERE account_id = ?`), id).
			Scan(&wrapped, &sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte(phone)) || bytes.Contains(sealed, []byte("钱记录")) {
			t.Fatal("the records identity is stored in clear")
		}
		if _, err := e.App.Vault.Unwrap(id, wrapped); err == nil {
			t.Error("the records key opens as the account's data key: they must be separate")
		}
		// The e-mail, contact data, is not kept.
		if bytes.Contains(sealed, []byte("records@example.com")) {
			t.Error("the e-mail went into the records identity")
		}

		e.Clock.Advance(5*365*day + 2*day)
		if n := run(t, e, "purge-records"); n != 1 {
			t.Fatalf("records purge handled %d accounts", n)
		}
		if _, err := e.App.Lifecycle.RecordsIdentity(ctx, id); !errors.Is(err, purse.ErrNotFound) {
			t.Fatalf("records identity after the records purge: %v", err)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM records_identity WHERE account_id = ?`, id); n != 0 {
			t.Errorf("%d records identity rows left after the records purge", n)
		}
		// The records key as it was (a backup's copy) opens only while its master-key version
		// lives; the live database no longer has it at all.
		if _, err := e.App.Vault.Unwrap(purse.RecordsKeyPrefix+id, wrapped); err != nil {
			t.Fatalf("a copy of the records key does not open under the live master key: %v", err)
		}
	})
}

// TestRecordsIdentityNone: with --records-identity none the personal purge keeps nothing.
func TestRecordsIdentityNone(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	e.App.Lifecycle.Policy.RecordsIdentity = []string{}
	id := register(t, e, apitest.NextPhone(), "", "孙无")
	e.MarkClosed(t, id)
	purgeDue(t, e, id)
	if _, err := e.App.Lifecycle.RecordsIdentity(context.Background(), id); !errors.Is(err, purse.ErrNotFound) {
		t.Fatalf("records identity kept under none: %v", err)
	}
}
