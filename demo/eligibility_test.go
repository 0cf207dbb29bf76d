package demo_test

import (
	"context"
	"io"
	"slices"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/demo"
)

// Each blocked demo account gets exactly its blocker code, and only it (issue 4's done-when), under
// the strict default policy; account 13's card and shop block only where the policy cannot unbind
// them with the closure.
func TestEachDemoAccountShowsExactlyItsBlocker(t *testing.T) {
	t.Parallel()
	strict := map[string][]string{
		"13800000000": nil,
		"13800000001": {"BALANCE_NOT_ZERO", "POINTS_NOT_ZERO"}, // AP-8.1
		"13800000002": {"FUND_NOT_ZERO"},                       // AP-8.2
		"13800000003": {"TRANSACTION_IN_PROGRESS"},             // AP-8.3
		"13800000004": {"AUTO_DEBIT_ACTIVE"},                   // AP-8.4
		"13800000005": {"CREDIT_LINE_OPEN"},                    // AP-8.5
		"13800000006": {"AGREEMENT_NOT_MET"},                   // AP-8.6
		"13800000007": {"BUSINESS_IN_PROGRESS"},                // AP-8.7
		"13800000008": {"ACCOUNT_DISPUTED"},                    // AP-8.8
		"13800000009": {"MERCHANT_CONTRACT_ACTIVE"},            // AP-8.9
		"13800000010": {"STORED_BALANCE_NOT_ZERO"},             // AP-8.10
		"13800000011": nil,                                     // AP-6: another form, no blocker
		"13800000012": {"ENV_CERTIFICATE_MISSING"},             // AP-2
		"13800000013": nil,                                     // strict unbinds the shop and the card with the closure (AP-4)
		"13800000014": {"AUTO_DEBIT_ACTIVE"},                   // the English-speaking user (AP-8.4)
	}
	if len(strict) != len(demo.Accounts) {
		t.Fatalf("%d demo accounts, %d expectations", len(demo.Accounts), len(strict))
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		seed(t, e)
		for phone, want := range strict {
			if got := blockers(t, e, phone); !slices.Equal(got, want) {
				t.Errorf("%s: blockers %v, want %v", phone, got, want)
			}
		}
	})
	// tenpay cannot cascade: the card and the shop block (TP-1, IM-3); imwallet unbinds both (IM-3).
	for name, want := range map[string][]string{"tenpay": {"LINKED_ACCOUNT_BOUND", "QUICK_PAY_BOUND"}, "imwallet": nil} {
		p, err := closure.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		e := apitest.New(t, "sqlite", func(c *app.Config) { c.Policy = p })
		seed(t, e)
		if got := blockers(t, e, "13800000013"); !slices.Equal(got, want) {
			t.Errorf("%s, 13800000013: blockers %v, want %v", name, got, want)
		}
	}
}

func seed(t *testing.T, e *apitest.Env) {
	t.Helper()
	if err := demo.Seed(context.Background(), e.App, io.Discard); err != nil {
		t.Fatal(err)
	}
}

// blockers signs in as the demo account and returns its blocker codes, warnings left out, sorted.
func blockers(t *testing.T, e *apitest.Env, phone string) []string {
	t.Helper()
	u := &apitest.User{Phone: phone, Password: demo.Password}
	var el struct {
		Blockers []struct {
			Code    string `json:"code"`
			Warning bool   `json:"warning"`
		} `json:"blockers"`
	}
	e.Call("GET", "/api/v1/closure/eligibility", nil, e.SignIn(u)...).Expect(t, 200).JSON(t, &el)
	var out []string
	for _, b := range el.Blockers {
		if !b.Warning {
			out = append(out, b.Code)
		}
	}
	slices.Sort(out)
	return out
}
