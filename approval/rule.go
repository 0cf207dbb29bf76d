// Package approval holds the four-eyes rule (maker-checker, issue 13): an operator's action that
// creates or releases value above the operator-set threshold is not executed but stored as a
// pending approval; a second operator who holds the action's permission approves it (and it runs,
// once, in the approving transaction) or rejects it; nobody approves their own request; a request
// not decided within Lifetime expires.
//
// The services that move value (wallet, blocker) call Hold inside their own transaction, after
// the matrix allowed the maker; this package never imports them: each registers an Executor that
// runs a held action of its kinds.
package approval

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
)

// The kinds of held actions.
const (
	KindPointsGrant = "points.grant"      // wallet.Grant of points (AP-8.1)
	KindStoredGrant = "stored.grant"      // wallet.Grant of stored value (AP-8.10)
	KindCouponGrant = "coupon.grant"      // blocker.GrantCoupon
	KindCreditLine  = "credit_line.open"  // wallet.OpenCreditLine (AP-8.5)
	KindSettle      = "withdrawal.settle" // wallet.SettleWithdrawal: releases money to a bank
	KindThreshold   = "four_eyes.raise"   // raising the threshold itself loosens the control
)

// permission is what the checker of each kind must hold: the same action the maker needed.
var permission = map[string]operator.Action{
	KindPointsGrant: operator.ActGrantValue,
	KindStoredGrant: operator.ActGrantValue,
	KindCouponGrant: operator.ActGrantValue,
	KindCreditLine:  operator.ActGrantValue,
	KindSettle:      operator.ActSettle,
	KindThreshold:   operator.ActSettings,
}

// SettingThreshold is the settings key of the threshold, in minor units (fen; a point counts as
// one). An action whose amount is above it needs a second operator.
const SettingThreshold = "four_eyes_above"

// DefaultThreshold applies until an admin sets one: 1,000.00 CNY, the default cap of one
// password-free small payment. Above it nobody creates or releases value alone.
const DefaultThreshold int64 = 100_000

// Lifetime is how long a request waits for its checker. A day covers a shift change; a request
// older than that is expired, not approved on stale grounds.
const Lifetime = 24 * time.Hour

// Request is a value action as its service asks for it.
type Request struct {
	Kind      string
	AccountID string
	Amount    int64
	Params    map[string]string
	Reason    string
}

// Threshold reads the threshold in tx: the stored setting, or DefaultThreshold.
func Threshold(ctx context.Context, tx purse.Tx) (int64, error) {
	v, err := tx.Setting(ctx, SettingThreshold)
	if err != nil || v == "" {
		return DefaultThreshold, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return DefaultThreshold, nil
	}
	return n, nil
}

// Hold rules, inside the service's transaction, on an action the matrix already allowed the actor:
// nil means it runs now (purse itself, "system:…", or an amount at or below the threshold);
// otherwise the action is stored as pending, audited with its maker, and returned. The caller then
// moves nothing, commits, and answers Pending(a).
func Hold(ctx context.Context, tx purse.Tx, actor string, r Request) (*purse.Approval, error) {
	if !strings.HasPrefix(actor, "operator:") {
		return nil, nil
	}
	limit, err := Threshold(ctx, tx)
	if err != nil {
		return nil, err
	}
	if r.Amount <= limit && r.Kind != KindThreshold {
		return nil, nil
	}
	a := &purse.Approval{ID: purse.NewID(), Kind: r.Kind, AccountID: r.AccountID, Amount: r.Amount,
		Params: r.Params, Reason: r.Reason, Maker: actor, State: purse.ApprovalPending,
		CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(Lifetime)}
	if err := tx.InsertApproval(ctx, a); err != nil {
		return nil, err
	}
	return a, audit.Record(ctx, tx, actor, audit.AdminApprovalRequest, r.AccountID, map[string]string{
		"approval": a.ID, "kind": a.Kind, "amount": strconv.FormatInt(a.Amount, 10)})
}

// Pending is what a held action returns once its transaction committed: APPROVAL_PENDING (the API
// answers 202) naming the approval, which the caller finds in Params["Approval"].
func Pending(a *purse.Approval) error {
	return &purse.Error{Code: purse.CodeApprovalPending, Params: map[string]any{"Approval": a},
		Detail: a.Kind + " waits for a second operator's approval " + a.ID}
}

// HeldOf returns the approval an error from a value action names, or nil when it is no such answer.
func HeldOf(err error) *purse.Approval {
	e := purse.AsError(err)
	if e == nil || e.Code != purse.CodeApprovalPending {
		return nil
	}
	a, _ := e.Params["Approval"].(*purse.Approval)
	return a
}
