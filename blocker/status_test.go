package blocker_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// Who may receive what (DESIGN.md §2): a closing account takes no new business, so nothing slips
// in behind a closure's last check; an operator's protective marks (a dispute, a flag) still land
// on it, since a fraud found in cooling-off must be able to stop the closure (AP-8.8, AP-8.6); and
// ending an item is always allowed, since that is how a blocker is removed.
func TestClosingAccountTakesMarksButNoBusiness(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		id := b.SignUp("").ID
		ad, err := b.svc.AddAutoDebit(b.ctx, "operator:op", id, "Metro", purse.AutoDebitGeneral)
		if err != nil {
			t.Fatal(err)
		}
		b.SetStatus(t, id, purse.StatusClosing)
		now := b.Clock.Now()
		business := map[string]error{}
		_, business["auto-debit"] = b.svc.AddAutoDebit(b.ctx, "operator:op", id, "Metro", purse.AutoDebitGeneral)
		_, business["contract"] = b.svc.AddContract(b.ctx, "operator:op", id, "POS", now, now.Add(time.Hour))
		_, business["coupon"] = b.svc.GrantCoupon(b.ctx, "operator:op", id, "10 off", 1_000, now.Add(time.Hour))
		_, business["link"] = b.svc.Link(b.ctx, id, "taobao", "tb-1")
		for what, err := range business {
			if purse.ErrorCode(err) != purse.CodeAccountNotActive {
				t.Errorf("new %s on a closing account: %v, want ACCOUNT_NOT_ACTIVE", what, err)
			}
		}
		if _, err := b.svc.OpenDispute(b.ctx, "operator:op", id, "fraud found late", true); err != nil {
			t.Errorf("dispute on a closing account: %v", err)
		}
		if _, err := b.svc.AddFlag(b.ctx, "operator:op", id, purse.FlagSpecialAgreement, "terms"); err != nil {
			t.Errorf("flag on a closing account: %v", err)
		}
		if got, err := b.svc.CancelAutoDebit(b.ctx, "account:"+id, id, ad.ID); err != nil || got.Status != "cancelled" {
			t.Errorf("ending an auto-debit on a closing account: %+v, %v", got, err)
		}
		// Closing is more than restricted: the restricting dispute does not change the status.
		if st := b.status(t, id); st != purse.StatusClosing {
			t.Errorf("status %s, want closing", st)
		}
		if n := b.audited(t, id, "admin.dispute.open"); n != 1 {
			t.Errorf("%d dispute openings audited, want 1", n)
		}
	})
}

// A restricting dispute restricts an active account until the last restricting dispute is
// resolved; resolving again changes nothing and records nothing more. Another account's dispute
// is not found.
func TestRestrictingDisputesRestrictUntilTheLastEnds(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		id, other := b.SignUp("").ID, b.SignUp("").ID
		d1, err := b.svc.OpenDispute(b.ctx, "operator:op", id, "trade dispute", true)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := b.svc.OpenDispute(b.ctx, "operator:op", id, "second claim", true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.OpenDispute(b.ctx, "operator:op", id, "note only", false); err != nil {
			t.Fatal(err)
		}
		if st := b.status(t, id); st != purse.StatusRestricted {
			t.Fatalf("status %s with open restricting disputes, want restricted", st)
		}
		if _, err := b.svc.ResolveDispute(b.ctx, "operator:op", other, d1.ID); purse.ErrorCode(err) != purse.CodeNotFound {
			t.Fatalf("another account's dispute: %v, want NOT_FOUND", err)
		}
		if _, err := b.svc.ResolveDispute(b.ctx, "operator:op", id, d1.ID); err != nil {
			t.Fatal(err)
		}
		if st := b.status(t, id); st != purse.StatusRestricted {
			t.Fatalf("status %s with one restricting dispute left, want restricted", st)
		}
		for range 2 {
			if d, err := b.svc.ResolveDispute(b.ctx, "operator:op", id, d2.ID); err != nil || d.Status != "resolved" {
				t.Fatalf("resolve: %+v, %v", d, err)
			}
		}
		if st := b.status(t, id); st != purse.StatusActive {
			t.Fatalf("status %s once no restricting dispute is open, want active", st)
		}
		if n := b.audited(t, id, "admin.dispute.resolve"); n != 2 {
			t.Fatalf("%d resolutions audited, want 2 (the repeat records nothing)", n)
		}
		if _, err := b.svc.OpenDispute(b.ctx, "operator:op", id, "  ", true); purse.ErrorCode(err) != purse.CodeInvalidRequest {
			t.Fatalf("a dispute without a reason: %v, want INVALID_REQUEST", err)
		}
	})
}
