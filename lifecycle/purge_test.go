package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/vault"
)

// TestPurgeRows checks on both stores that after the purge no row holds the account's personal
// data, its key is gone, the data_erased notice went out first (in the account's language) and
// its address was scrubbed after; the ledger rows stay under the account id (GE-8).
func TestPurgeRows(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		p := personal{phone: apitest.NextPhone(), email: "rows@example.com", name: "王芳", card: "6222020200199998888",
			holder: "WANG FANG"}
		code := message(t, e, p.phone, "您的验证码是 123456") // sent before sign-up: no account id
		id := closedWithData(t, e, p)
		e.Clock.Advance(day)
		// Closure freed the phone (TP-7): a code to its next owner is not the purged account's.
		next := message(t, e, p.phone, "您的验证码是 654321")
		e.Clock.Advance(-day)
		live := e.SignUp("live@example.com")
		transact(t, e, "topup", id, posting{id, purse.BookMain, 500}, posting{"operator:bank", purse.BookOperator, -500})
		transact(t, e, "withdrawal", id, posting{id, purse.BookMain, -500}, posting{"operator:bank", purse.BookOperator, 500})

		// Not yet due: 29 days after closure nothing happens.
		e.Clock.Advance(29 * day)
		if n := run(t, e, "purge-personal"); n != 0 {
			t.Fatalf("purged %d accounts before the retention ended", n)
		}
		e.Clock.Advance(-29 * day)
		var hooked []string
		e.App.Lifecycle.Erasers = []lifecycle.Hook{func(_ context.Context, _ purse.Tx, accountID string) error {
			hooked = append(hooked, accountID)
			return nil
		}}
		purgeDue(t, e, id)
		if len(hooked) != 1 || hooked[0] != id {
			t.Errorf("erasers called for %v, want once for %s", hooked, id)
		}

		msgs := 0
		rows, err := e.DB.SQL().Query(rebind(e, `SELECT recipient, subject, body, status, template FROM outbox
			WHERE account_id = ? AND recipient_sealed IS NULL AND content_sealed IS NULL AND recipient_hash = ''`), id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var to, subject, body, status, template string
			if err := rows.Scan(&to, &subject, &body, &status, &template); err != nil {
				t.Fatal(err)
			}
			msgs++
			if template != "data_erased" || status != "sent" || to != "" || subject != "" || body != "" {
				t.Errorf("outbox row after purge: %q %q %q %q %q", template, status, to, subject, body)
			}
		}
		rows.Close()
		if msgs != 1 {
			t.Errorf("%d outbox rows for the account, want the one data_erased notice", msgs)
		}

		if to, body := outboxRow(t, e, code); to != "" || body != "" {
			t.Errorf("the code sent before sign-up still holds %q %q", to, body)
		}
		if to, body := outboxRow(t, e, next); to != p.phone || body == "" {
			t.Errorf("the next owner's code was scrubbed: %q %q", to, body)
		}

		a := account(t, e, id)
		if a.Status != purse.StatusPurged || a.PurgedAt.IsZero() || a.PhoneHash != "" || a.EmailHash != "" ||
			a.PhoneSealed != nil || a.EmailSealed != nil || a.NameSealed != nil ||
			a.PasswordHash != "" || a.PaymentPasswordHash != "" {
			t.Fatalf("account after purge: %+v", a)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM cards WHERE account_id = ? AND (number_sealed IS NOT NULL OR holder_sealed IS NOT NULL)`, id); n != 0 {
			t.Errorf("%d cards still sealed", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM sessions WHERE account_id = ?`, id); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM data_keys WHERE account_id = ? AND wrapped IS NULL AND destroyed_at > 0`, id); n != 1 {
			t.Error("the data key was not destroyed")
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_postings WHERE owner = ?`, id); n != 2 {
			t.Errorf("%d postings under the pseudonymous id, want the 2 kept", n)
		}
		got, err := e.App.Accounts.Get(context.Background(), id)
		if err != nil || got.Phone != "" || got.Email != "" || got.Name != "" {
			t.Errorf("the purged account opens to %+v, %v", got, err)
		}
		// A live account is untouched.
		if a := account(t, e, live.ID); a.Status != purse.StatusActive || a.PhoneSealed == nil {
			t.Errorf("the live account was touched: %+v", a)
		}
		// Idempotent: running again does nothing, and the audit chain names the account only by id.
		if n := run(t, e, "purge-personal"); n != 0 {
			t.Errorf("a run after the purge handled %d accounts", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'retention.personal_erased'`, id); n != 1 {
			t.Errorf("%d personal_erased audit events, want 1", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE data LIKE ? OR data LIKE ?`, "%"+p.phone+"%", "%"+p.email+"%"); n != 0 {
			t.Errorf("%d audit events hold the phone or e-mail", n)
		}
	})
}

// TestPurgeNotice checks the notice is rendered in the account's language before the erasure,
// goes by SMS when there is no e-mail, and that an undelivered notice does not hold the erasure
// back for more than NoticeWait: it is then failed and scrubbed.
func TestPurgeNotice(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		phone := apitest.NextPhone()
		id := register(t, e, phone, "", "")
		e.MarkClosed(t, id)
		e.Clock.Advance(31 * day)
		if n := run(t, e, "purge-personal"); n != 1 {
			t.Fatalf("notice step handled %d", n)
		}
		msgs, err := func() ([]*purse.Message, error) {
			var out []*purse.Message
			err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
				var err error
				out, err = tx.MessagesTo(context.Background(), phone, 10)
				return err
			})
			return out, err
		}()
		if err != nil || len(msgs) != 1 || msgs[0].Channel != purse.ChannelSMS || msgs[0].Template != "data_erased" ||
			msgs[0].Language != "zh-CN" || msgs[0].Status != "pending" {
			t.Fatalf("notice: %v %+v", err, msgs)
		}
		// Closed at the test epoch (2026-03-02); the AML records are kept five years. Dates in the
		// reader's language and the operator's zone, as the certificate shows them.
		if b := msgs[0].Body; !strings.Contains(b, "2026年3月2日") || !strings.Contains(b, "2031年3月2日") || !strings.Contains(b, "注销") {
			t.Errorf("notice body: %s", b)
		}
		e.Clock.Advance(71 * 3600e9)
		if n := run(t, e, "purge-personal"); n != 0 {
			t.Fatalf("erased %d accounts while the notice waited less than NoticeWait", n)
		}
		e.Clock.Advance(2 * 3600e9)
		if n := run(t, e, "purge-personal"); n != 1 {
			t.Fatalf("erase step after NoticeWait handled %d", n)
		}
		var status, to, lastErr string
		var sealedTo []byte
		if err := e.DB.SQL().QueryRow(rebind(e, `SELECT status, recipient, last_error, recipient_sealed FROM outbox WHERE id = ?`), msgs[0].ID).
			Scan(&status, &to, &lastErr, &sealedTo); err != nil {
			t.Fatal(err)
		}
		if status != "failed" || to != "" || sealedTo != nil || lastErr == "" {
			t.Errorf("undelivered notice after erasure: %s %q %q", status, to, lastErr)
		}
	})
}

// TestLegalHold checks the operator API and that a hold stops every purge until it is lifted.
func TestLegalHold(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		id := register(t, e, apitest.NextPhone(), "hold@example.com", "赵六")
		e.MarkClosed(t, id)
		agent, reviewer := e.Operator("agent"), e.Operator("reviewer")
		path := "/api/v1/admin/accounts/" + id + "/legal-hold"
		reason := map[string]any{"reason": "court order 2026-17"}
		auditCount := func() int64 { return count(t, e, `SELECT COUNT(*) FROM audit_events WHERE subject = ?`, id) }

		e.Call("PUT", path, reason, apitest.Auth(agent)...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("PUT", path, reason).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		e.Call("PUT", "/api/v1/admin/accounts/"+purse.NewID()+"/legal-hold", reason, apitest.Auth(reviewer)...).
			ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("PUT", "/api/v1/admin/accounts/nope/legal-hold", reason, apitest.Auth(reviewer)...).
			ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("DELETE", path, reason, apitest.Auth(reviewer)...).ExpectProblem(t, 409, "LEGAL_HOLD_UNCHANGED")
		if account(t, e, id).LegalHold || auditCount() != 0 {
			t.Fatal("a refused request changed the hold or wrote an audit event")
		}

		var out struct {
			LegalHold bool `json:"legal_hold"`
		}
		e.Call("PUT", path, reason, apitest.Auth(reviewer)...).Expect(t, 200).JSON(t, &out)
		if !out.LegalHold || !account(t, e, id).LegalHold || auditCount() != 1 {
			t.Fatalf("hold not placed or not audited: %+v", out)
		}
		e.Call("PUT", path, reason, apitest.Auth(reviewer)...).ExpectProblem(t, 409, "LEGAL_HOLD_UNCHANGED")

		e.Clock.Advance(6 * 365 * day)
		if n := run(t, e, "purge-personal") + run(t, e, "purge-records"); n != 0 {
			t.Fatalf("purged %d while under legal hold", n)
		}
		if plan, err := e.App.Lifecycle.Plan(context.Background()); err != nil || len(plan) != 0 {
			t.Fatalf("dry run lists %+v (%v) under legal hold", plan, err)
		}
		if a := account(t, e, id); a.Status != purse.StatusClosed || a.PhoneSealed == nil {
			t.Fatalf("held account changed: %+v", a)
		}

		reviewer = e.Operator("reviewer") // the first token expired in the years that passed
		e.Call("DELETE", path, map[string]any{"reason": "order lifted"}, apitest.Auth(reviewer)...).Expect(t, 200).JSON(t, &out)
		if out.LegalHold || auditCount() != 2 {
			t.Fatal("hold not lifted or not audited")
		}
		plan, err := e.App.Lifecycle.Plan(context.Background())
		if err != nil || len(plan) != 1 || plan[0].AccountID != id || plan[0].Step != "notify" {
			t.Fatalf("dry run after lifting: %+v %v", plan, err)
		}
		if run(t, e, "purge-personal") != 1 {
			t.Fatal("the purge did not resume after the hold was lifted")
		}
	})
}

// TestShreddedKey checks the vault refuses a destroyed key, which is what Open relies on.
func TestShreddedKey(t *testing.T) {
	t.Parallel()
	v, _ := vault.New(apitest.MasterKey)
	if _, err := v.Unwrap("x", nil); !errors.Is(err, vault.ErrShredded) {
		t.Fatal(err)
	}
}

// message puts a message without an account id in the outbox, as a sign-up code is sent.
func message(t *testing.T, e *apitest.Env, to, body string) string {
	t.Helper()
	m := &purse.Message{ID: purse.NewID(), Channel: purse.ChannelSMS, To: to, Template: "otp", Language: "zh-CN",
		Body: body, Status: "sent", NextAt: e.Clock.Now(), CreatedAt: e.Clock.Now()}
	if err := e.DB.Tx(context.Background(), func(tx purse.Tx) error { return tx.InsertMessage(context.Background(), m) }); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func outboxRow(t *testing.T, e *apitest.Env, id string) (to, body string) {
	t.Helper()
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		m, err := tx.Message(context.Background(), id)
		if err == nil {
			to, body = m.To, m.Body
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return to, body
}

// TestPurgeWrongMasterKey checks that a purge run with another master key stops instead of
// erasing accounts without their notice.
func TestPurgeWrongMasterKey(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	id := register(t, e, apitest.NextPhone(), "wrongkey@example.com", "")
	e.MarkClosed(t, id)
	e.Clock.Advance(31 * day)
	other, _ := vault.New(bytes.Repeat([]byte{9}, 32))
	svc := *e.App.Lifecycle
	svc.Vault = other
	if n, err := svc.PurgePersonal(context.Background()); err == nil || n != 0 {
		t.Fatalf("purge with a wrong master key: %d, %v", n, err)
	}
	if a := account(t, e, id); a.Status != purse.StatusClosed || a.PhoneSealed == nil {
		t.Fatal("the account changed")
	}
	if n := count(t, e, `SELECT COUNT(*) FROM purge_state`); n != 0 {
		t.Fatalf("%d purge states written", n)
	}
}
