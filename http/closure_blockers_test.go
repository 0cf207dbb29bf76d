package http_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestEachBlockerThroughHTTP puts one account in each blocking situation and checks that the
// eligibility answer names exactly its code, with a remedy and a message, and that a flow stops in
// eligibility until it is cleared (AP-3, AP-8, TP-1, IM-3).
func TestEachBlockerThroughHTTP(t *testing.T) {
	t.Parallel()
	strict := []purse.Code{purse.CodeEnvCertificateMissing, purse.CodeAccountNotActivated, purse.CodeBalanceNotZero,
		purse.CodePointsNotZero, purse.CodeFundNotZero, purse.CodeTransactionInProgress, purse.CodeAutoDebitActive,
		purse.CodeCreditLineOpen, purse.CodeAgreementNotMet, purse.CodeBusinessInProgress, purse.CodeAccountDisputed,
		purse.CodeMerchantContractActive, purse.CodeStoredBalanceNotZero, purse.CodeCouponsUnused}
	tenpay := []purse.Code{purse.CodeQuickPayBound, purse.CodeOneClickPayOn, purse.CodeLinkedAccountBound}
	for _, run := range []struct {
		policy string
		codes  []purse.Code
	}{{"strict", strict}, {"tenpay", tenpay}} {
		t.Run(run.policy, func(t *testing.T) {
			t.Parallel()
			apitest.Each(t, func(t *testing.T, e *apitest.Env) {
				for _, code := range run.codes {
					u := e.SignUp("")
					ct.Blocker(t, e, u.ID, code)
					var el struct {
						Eligible bool             `json:"eligible"`
						Blockers []map[string]any `json:"blockers"`
					}
					e.Call("GET", "/api/v1/closure/eligibility", nil, u.Header()...).Expect(t, 200).JSON(t, &el)
					got := ct.Codes(el.Blockers)
					if !slices.Equal(got, []string{string(code)}) {
						t.Fatalf("%s: blockers %v", code, got)
					}
					b := el.Blockers[0]
					if b["message"] == "" || b["message"] == string(code) || b["remedy"].(map[string]any)["action"] == "" {
						t.Fatalf("%s: no message or remedy: %v", code, b)
					}
					warning := code == purse.CodeCouponsUnused
					if el.Eligible != warning {
						t.Fatalf("%s: eligible %v", code, el.Eligible)
					}
					if code == purse.CodeEnvCertificateMissing || code == purse.CodeAccountNotActivated {
						// AP-2: the flow fails at its start.
						f := start(t, e, u)
						if f.State != "failed" || !slices.Equal(ct.Codes(f.Blockers), []string{string(code)}) {
							t.Fatalf("%s: start %+v", code, f)
						}
						continue
					}
					f := start(t, e, u)
					f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
					want := "eligibility"
					if warning {
						want = "rights"
					}
					if f.State != want || !slices.Contains(ct.Codes(f.Blockers), string(code)) {
						t.Fatalf("%s: after agreement %+v", code, f)
					}
					if !warning {
						e.Call("POST", "/api/v1/closures/"+f.ID+"/rights", map[string]any{"confirm": true}, u.Header()...).
							ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")
					}
				}
			}, ct.WithPolicy(t, run.policy))
		})
	}
}

// TestCertificateUserWithCertificate: AP-2 passes on the device that has the certificate.
func TestCertificateUserWithCertificate(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ct.Blocker(t, e, u.ID, purse.CodeEnvCertificateMissing)
		f := start(t, e, u, "X-Device-Certificate", fmt.Sprintf("cert-%s", u.ID[:8]))
		if f.State != "agreement" {
			t.Fatalf("with the certificate: %+v", f)
		}
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		if f.State != "rights" {
			t.Fatalf("certificate user stopped after the agreement: %+v", f)
		}
	})
}

// TestEligibilityRecheck: a blocked flow waits in eligibility and moves on once cleared.
func TestEligibilityRecheck(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ct.Book(t, e, u.ID, purse.BookMain, "CNY", 100)
		ct.Book(t, e, u.ID, purse.BookPoints, "PTS", 7)
		f := start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		if got := ct.Codes(f.Blockers); !slices.Equal(got, []string{"BALANCE_NOT_ZERO", "POINTS_NOT_ZERO"}) {
			t.Fatalf("all at once: %v", got)
		}
		ct.Book(t, e, u.ID, purse.BookMain, "CNY", 0)
		f = post(t, e, u, f.ID, "eligibility", nil, 200)
		if f.State != "eligibility" || !slices.Equal(ct.Codes(f.Blockers), []string{"POINTS_NOT_ZERO"}) {
			t.Fatalf("after withdrawing: %+v", f)
		}
		ct.Book(t, e, u.ID, purse.BookPoints, "PTS", 0)
		f = post(t, e, u, f.ID, "eligibility", nil, 200)
		if f.State != "rights" || len(f.Blockers) != 0 {
			t.Fatalf("after clearing: %+v", f)
		}
	})
}

// TestWithdrawalWindow: a settled withdrawal keeps blocking for the policy's window (AP-8.3).
func TestWithdrawalWindow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ct.Blocker(t, e, u.ID, purse.CodeTransactionInProgress)
		eligible := func() bool {
			var el struct {
				Eligible bool `json:"eligible"`
			}
			e.Call("GET", "/api/v1/closure/eligibility", nil, u.Header()...).Expect(t, 200).JSON(t, &el)
			return el.Eligible
		}
		e.Clock.Advance(24*time.Hour - time.Second)
		if eligible() {
			t.Fatal("eligible within the day after a withdrawal")
		}
		e.Clock.Advance(2 * time.Second)
		if !eligible() {
			t.Fatal("still blocked after the window")
		}
	})
}
