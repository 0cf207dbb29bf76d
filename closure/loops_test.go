package closure

import (
	"slices"
	"testing"

	"github.com/purse-wallet/purse"
)

func TestRaisesNamesTheRemedyLoops(t *testing.T) {
	tenpay, err := Load("tenpay")
	if err != nil {
		t.Fatal(err)
	}
	if got := tenpay.Raises(purse.CodeBalanceNotZero); !slices.Equal(got, []purse.Code{purse.CodeQuickPayBound}) {
		t.Errorf("tenpay: withdrawing raises %v, want QUICK_PAY_BOUND (a card bound to withdraw blocks)", got)
	}
	cascade := *tenpay
	cascade.Cascade = true
	if got := cascade.Raises(purse.CodeBalanceNotZero); len(got) != 0 {
		t.Errorf("with the cascade the closure unbinds cards itself; got %v", got)
	}
	if got := tenpay.Raises(purse.CodePointsNotZero); !slices.Equal(got, []purse.Code{purse.CodeBalanceNotZero}) {
		t.Errorf("converting points raises %v, want BALANCE_NOT_ZERO", got)
	}
	if got := tenpay.Raises(purse.CodeCreditLineOpen); len(got) != 0 {
		t.Errorf("closing a credit line raises %v, want nothing", got)
	}
}
