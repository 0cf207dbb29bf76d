package closure

import "github.com/purse-wallet/purse"

// Raises names the blockers that clearing code can itself bring about under the policy: the
// remedy loops a user should hear of before taking the remedy (issue 18).
//   - Withdrawing the balance (AP-8.1) needs a bound card, and where bound cards block (TP-1: the
//     quick-pay check without the cascade) binding one for the withdrawal adds QUICK_PAY_BOUND.
//   - Converting points (AP-8.1) or redeeming the fund (AP-8.2) moves the money into the balance,
//     which must then be withdrawn.
func (p *Policy) Raises(code purse.Code) []purse.Code {
	var out []purse.Code
	switch code {
	case purse.CodeBalanceNotZero:
		if p.Has(CheckQuickPay) && !p.Cascade {
			out = append(out, purse.CodeQuickPayBound)
		}
	case purse.CodePointsNotZero, purse.CodeFundNotZero:
		if p.Has(CheckBalance) {
			out = append(out, purse.CodeBalanceNotZero)
		}
	}
	return out
}
