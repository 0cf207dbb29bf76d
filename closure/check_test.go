package closure

import (
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

func codes(bs []purse.Blocker) []purse.Code {
	var out []purse.Code
	for _, b := range bs {
		out = append(out, b.Code)
	}
	return out
}

func TestCheckEachBlocker(t *testing.T) {
	t.Parallel()
	strict, _ := Load("strict")
	tenpay, _ := Load("tenpay")
	clean := func() *purse.EligibilityFacts {
		return &purse.EligibilityFacts{Account: &purse.AccountRecord{Activated: true, Status: purse.StatusActive}}
	}
	cases := []struct {
		code   purse.Code
		policy *Policy
		env    Env
		set    func(f *purse.EligibilityFacts)
	}{
		{purse.CodeEnvCertificateMissing, strict, Env{DeviceCertificate: "other"}, func(f *purse.EligibilityFacts) {
			f.Account.CertificateRequired, f.Account.CertificateID = true, "mine"
		}},
		{purse.CodeAccountNotActivated, strict, Env{}, func(f *purse.EligibilityFacts) { f.Account.Activated = false }},
		{purse.CodeBalanceNotZero, strict, Env{}, func(f *purse.EligibilityFacts) {
			f.Books = []purse.BookBalance{{Book: purse.BookMain, Amount: 1}}
		}},
		{purse.CodePointsNotZero, strict, Env{}, func(f *purse.EligibilityFacts) {
			f.Books = []purse.BookBalance{{Book: purse.BookPoints, Amount: 1}}
		}},
		{purse.CodeFundNotZero, strict, Env{}, func(f *purse.EligibilityFacts) {
			f.Books = []purse.BookBalance{{Book: purse.BookFund, Amount: 1}}
		}},
		{purse.CodeTransactionInProgress, strict, Env{}, func(f *purse.EligibilityFacts) { f.PendingTransactions = 1 }},
		{purse.CodeTransactionInProgress, strict, Env{}, func(f *purse.EligibilityFacts) { f.RecentWithdrawals = 1 }},
		{purse.CodeAutoDebitActive, strict, Env{}, func(f *purse.EligibilityFacts) { f.ActiveAutoDebits = 2 }},
		{purse.CodeCreditLineOpen, strict, Env{}, func(f *purse.EligibilityFacts) { f.OpenCreditLine = true }},
		{purse.CodeCreditLineOpen, strict, Env{}, func(f *purse.EligibilityFacts) {
			f.Books = []purse.BookBalance{{Book: purse.BookCredit, Amount: -500}}
		}},
		{purse.CodeAgreementNotMet, strict, Env{}, func(f *purse.EligibilityFacts) { f.ActiveFlags = 1 }},
		{purse.CodeBusinessInProgress, strict, Env{}, func(f *purse.EligibilityFacts) { f.PendingBusiness = 1 }},
		{purse.CodeAccountDisputed, strict, Env{}, func(f *purse.EligibilityFacts) { f.OpenDisputes = 1 }},
		{purse.CodeAccountDisputed, strict, Env{}, func(f *purse.EligibilityFacts) { f.Account.Status = purse.StatusRestricted }},
		{purse.CodeMerchantContractActive, strict, Env{}, func(f *purse.EligibilityFacts) { f.ActiveContracts = 1 }},
		{purse.CodeStoredBalanceNotZero, strict, Env{}, func(f *purse.EligibilityFacts) {
			f.Books = []purse.BookBalance{{Book: purse.BookStored, Amount: 1}}
		}},
		{purse.CodeQuickPayBound, tenpay, Env{}, func(f *purse.EligibilityFacts) { f.BoundCards = 1 }},
		{purse.CodeOneClickPayOn, tenpay, Env{}, func(f *purse.EligibilityFacts) { f.Account.OneClickPay = true }},
		{purse.CodeLinkedAccountBound, tenpay, Env{}, func(f *purse.EligibilityFacts) { f.LinkedAccounts = 1 }},
		{purse.CodeCouponsUnused, strict, Env{}, func(f *purse.EligibilityFacts) { f.UnusedCoupons = 1 }},
	}
	for _, c := range cases {
		if got := Check(c.policy, clean(), c.env); len(got) != 0 {
			t.Fatalf("clean account blocked: %v", codes(got))
		}
		f := clean()
		c.set(f)
		got := Check(c.policy, f, c.env)
		if !slices.Equal(codes(got), []purse.Code{c.code}) {
			t.Fatalf("%s: got %v", c.code, codes(got))
		}
		if got[0].Remedy.Action == "" || got[0].Remedy.Page == "" {
			t.Fatalf("%s: no remedy", c.code)
		}
		if got[0].Warning != (c.code == purse.CodeCouponsUnused) {
			t.Fatalf("%s: warning %v", c.code, got[0].Warning)
		}
	}
	// The certificate user with the certificate passes.
	f := clean()
	f.Account.CertificateRequired, f.Account.CertificateID = true, "mine"
	if got := Check(strict, f, Env{DeviceCertificate: "mine"}); len(got) != 0 {
		t.Fatalf("certificate present but blocked: %v", codes(got))
	}
	// Cascading policies never block on cards or linked accounts (AP-4, IM-3).
	f = clean()
	f.BoundCards, f.LinkedAccounts = 3, 2
	if got := Check(strict, f, Env{}); len(got) != 0 {
		t.Fatalf("strict blocks on cascading bindings: %v", codes(got))
	}
	// All at once (AP-3): nothing short-circuits.
	f = clean()
	f.Books = []purse.BookBalance{{Book: purse.BookMain, Amount: 1}, {Book: purse.BookFund, Amount: 1}}
	f.ActiveAutoDebits, f.OpenDisputes, f.UnusedCoupons = 1, 1, 1
	want := []purse.Code{purse.CodeBalanceNotZero, purse.CodeFundNotZero, purse.CodeAutoDebitActive, purse.CodeAccountDisputed, purse.CodeCouponsUnused}
	if got := codes(Check(strict, f, Env{})); !slices.Equal(got, want) {
		t.Fatalf("all at once: %v, want %v", got, want)
	}
	if got := Blocking(Check(strict, f, Env{})); len(got) != 4 {
		t.Fatalf("blocking %d, want 4", len(got))
	}
}

func TestTransitionTable(t *testing.T) {
	t.Parallel()
	terminal := []State{purse.ClosureClosed, purse.ClosureFailed, purse.ClosureCancelled, purse.ClosureExpired}
	for _, s := range terminal {
		if !s.Terminal() || len(Transitions[s]) != 0 {
			t.Fatalf("%s should be terminal with no way out", s)
		}
	}
	for from, ts := range Transitions {
		if from.Terminal() {
			t.Fatalf("terminal %s has transitions", from)
		}
		for _, tr := range ts {
			if _, ok := Transitions[tr.To]; !ok && !tr.To.Terminal() {
				t.Fatalf("%s → %s leads nowhere", from, tr.To)
			}
		}
		// Every non-terminal state can be cancelled (the user can always stop).
		if !Allowed(from, purse.ClosureCancelled) {
			t.Fatalf("%s cannot be cancelled", from)
		}
	}
	if Allowed(purse.ClosureAgreement, purse.ClosureReview) || Allowed(purse.ClosureCoolingOff, purse.ClosureExpired) ||
		Allowed(purse.ClosureClosed, purse.ClosureCancelled) {
		t.Fatal("an illegal move is allowed")
	}
}

// TestDeadlineRule: a policy's deadline rule wins over deadline_days; without it, deadline_days
// are working days by the holiday calendar (issue 16).
func TestDeadlineRule(t *testing.T) {
	t.Parallel()
	p := &Policy{DeadlineDays: 15}
	if r := p.DeadlineRule(); r.String() != "15wd" {
		t.Fatalf("deadline_days 15: %s", r)
	}
	p.Deadline = "1mo"
	if r := p.DeadlineRule(); r.String() != "1mo" {
		t.Fatalf("deadline 1mo: %s", r)
	}
	// 2025-12-11 + 15 working days skips New Year (1-3 January 2026) and lands on the make-up Sunday.
	s := &Service{}
	got := s.deadlineOf(&Policy{DeadlineDays: 15}, mustDate(2025, 12, 11).Add(2*time.Hour))
	if got.Format(time.DateOnly) != "2026-01-04" {
		t.Fatalf("deadline of a request on 11 December 2025: %s", got)
	}
}

func mustDate(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestLeftoverSweep(t *testing.T) {
	t.Parallel()
	p, _ := Load("strict")
	p.SweepThreshold = 100
	f := &purse.EligibilityFacts{Account: &purse.AccountRecord{Activated: true, Status: purse.StatusActive},
		Books: []purse.BookBalance{{Book: purse.BookMain, Currency: "CNY", Amount: 100}}}
	got := Check(p, f, Env{})
	if !slices.Equal(codes(got), []purse.Code{purse.CodeLeftoverToSweep}) || !got[0].Warning {
		t.Fatalf("leftover at the threshold: %v", codes(got))
	}
	f.Books[0].Amount = 101
	if got := codes(Check(p, f, Env{})); !slices.Equal(got, []purse.Code{purse.CodeBalanceNotZero}) {
		t.Fatalf("over the threshold: %v", got)
	}
	// Without a sweeper the service runs the policy with sweeping off.
	s := &Service{Policy: p}
	f.Books[0].Amount = 1
	if got := codes(Check(s.policy(), f, Env{})); !slices.Equal(got, []purse.Code{purse.CodeBalanceNotZero}) {
		t.Fatalf("no sweeper: %v", got)
	}
}
