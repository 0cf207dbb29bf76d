package operator

import (
	"context"
	"errors"
	"strings"

	"github.com/purse-wallet/purse"
)

// Action is something an operator does that the permission matrix rules on (issue 13).
type Action string

// The actions of the matrix. Value actions create or release money or money's worth.
const (
	ActRead            Action = "read"             // accounts, closures, the audit log, jobs, the outbox
	ActSupport         Action = "support"          // notes, resending a message, helping a user through a flow
	ActReview          Action = "review"           // approve, reject or restore closures; disputes, holds, flags
	ActGrantValue      Action = "value.grant"      // points, stored value, coupons, credit lines, adjustments
	ActSettle          Action = "value.settle"     // settle a withdrawal by hand: releases money to a bank
	ActApprove         Action = "value.approve"    // approve or reject another operator's held value action
	ActManageOperators Action = "operators.manage" // create operators, change their roles
	ActSettings        Action = "settings"         // maintenance, minimum client version, thresholds
	// ActRecordsIdentity opens the identity the AML records keep of a purged account (issue 15):
	// personal data the holder's erasure left behind for the law, read for an inquiry only.
	ActRecordsIdentity Action = "records.identity"
)

// Matrix is the one place that says which role may do what (issue 13): an agent supports users
// and reads; a reviewer also decides closures and reviews; an admin also moves value, manages
// operators and changes settings. Services ask it (Authorize, Require) inside their own
// transactions, so that no caller (API, console, CLI) can go around it.
var Matrix = map[purse.Role][]Action{
	purse.RoleAgent:    {ActRead, ActSupport},
	purse.RoleReviewer: {ActRead, ActSupport, ActReview},
	purse.RoleAdmin: {ActRead, ActSupport, ActReview, ActGrantValue, ActSettle, ActApprove, ActManageOperators, ActSettings,
		ActRecordsIdentity},
}

// Actions lists every action of the matrix.
var Actions = []Action{ActRead, ActSupport, ActReview, ActGrantValue, ActSettle, ActApprove, ActManageOperators, ActSettings,
	ActRecordsIdentity}

// Can reports whether the role may do the action.
func Can(role purse.Role, a Action) bool {
	for _, x := range Matrix[role] {
		if x == a {
			return true
		}
	}
	return false
}

// Least is the lowest role that may do the action ("" for none).
func Least(a Action) purse.Role {
	for _, r := range []purse.Role{purse.RoleAgent, purse.RoleReviewer, purse.RoleAdmin} {
		if Can(r, a) {
			return r
		}
	}
	return ""
}

// Require answers ROLE_REQUIRED (with the role and action) unless the role may do the action.
func Require(role purse.Role, a Action) error {
	if Can(role, a) {
		return nil
	}
	return &purse.Error{Code: purse.CodeRoleRequired, Params: map[string]any{"Role": string(Least(a)), "Action": string(a)},
		Detail: "role " + string(role) + " may not " + string(a)}
}

// Authorize rules on an actor inside tx: "operator:<id>" is read from the store (a disabled or
// unknown operator is refused) and must hold a role that may do the action; "system:<name>" is
// purse itself (jobs, the demo's seeding), which only Go code inside the process can name. Any
// other actor is refused. Errors: ROLE_REQUIRED, OPERATOR_UNAUTHENTICATED.
func Authorize(ctx context.Context, tx purse.Tx, actor string, a Action) error {
	if actor == "system" || strings.HasPrefix(actor, "system:") {
		return nil
	}
	id, ok := strings.CutPrefix(actor, "operator:")
	if !ok || id == "" {
		return purse.Errorf(purse.CodeRoleRequired, "actor %q is no operator", actor)
	}
	o, err := tx.OperatorByID(ctx, id)
	if errors.Is(err, purse.ErrNotFound) {
		return purse.Errorf(purse.CodeOperatorUnauthenticated, "no operator %s", id)
	}
	if err != nil {
		return err
	}
	return Require(o.Role, a)
}
