// Package closure is purse's closure engine: policies as data, the eligibility checks, the
// persisted flow with its explicit transition table (diagram.md), verification, the review that
// moves an account to closing in the same transaction as its last check, and the job that closes
// accounts when their cooling-off ends.
package closure

import (
	"slices"

	"github.com/purse-wallet/purse"
)

// State is a closure request's state.
type State = purse.ClosureState

// Transition is one allowed move and the event that causes it.
type Transition struct {
	To    State
	Event string
}

// Transitions is the whole state machine (DESIGN.md §2, drawn in diagram.md). A move not listed
// here is refused with CLOSURE_STATE_CONFLICT.
var Transitions = map[State][]Transition{
	purse.ClosureStarted: {
		{purse.ClosureAgreement, "environment_ok"},  // AP-2
		{purse.ClosureFailed, "environment_failed"}, // AP-2
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureAgreement: {
		{purse.ClosureEligibility, "agreement_accepted"}, // TP-3, AP-3
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureEligibility: {
		{purse.ClosureRights, "no_blockers"}, // AP-3, AP-8
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureRights: {
		{purse.ClosureVerification, "rights_confirmed"}, // AP-4
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureVerification: {
		{purse.ClosureEmailConfirm, "factors_passed"}, // IM-2: the link remains
		{purse.ClosureReview, "factors_passed"},       // AP-5, TP-4, TP-5, PW-2
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureEmailConfirm: {
		{purse.ClosureReview, "link_clicked"}, // IM-2
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureReview: {
		{purse.ClosureCoolingOff, "review_passed"}, // AP-7
		{purse.ClosureFailed, "review_failed"},     // AP-7
		{purse.ClosureCancelled, "cancel"},
		{purse.ClosureExpired, "expire"},
	},
	purse.ClosureCoolingOff: {
		{purse.ClosureClosed, "period_over"},    // PW-4, TP-6
		{purse.ClosureCancelled, "restore"},     // GE-4, PW-6: the user keeps the account or support restores it
		{purse.ClosureFailed, "blocked_at_end"}, // AP-8.8, AP-8.6: a dispute or flag put on the closing account
	},
}

// Allowed reports whether from → to is in the table.
func Allowed(from, to State) bool {
	for _, t := range Transitions[from] {
		if t.To == to {
			return true
		}
	}
	return false
}

// Expires reports whether an idle request in the state expires: a flow waiting for its user does,
// one waiting for a reviewer or in cooling-off does not.
func Expires(c *purse.ClosureRequest) bool {
	if c.State.Terminal() || c.State == purse.ClosureCoolingOff {
		return false
	}
	return !(c.State == purse.ClosureReview && c.Submitted)
}

// Open lists the states a request is under way in: those the table lets it leave, sorted. The
// store's queries for open requests select these, so that no query spells a state of its own.
func Open() []State {
	out := make([]State, 0, len(Transitions))
	for s := range Transitions {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Expiring lists the open states in which an idle request expires (Expires), for a request
// submitted for review or not: the expiry job's query selects these.
func Expiring(submitted bool) []State {
	var out []State
	for _, s := range Open() {
		if Expires(&purse.ClosureRequest{State: s, Submitted: submitted}) {
			out = append(out, s)
		}
	}
	return out
}

// NextStep names what the user (or support) does next in a state: the route to call.
func NextStep(c *purse.ClosureRequest) string {
	base := "POST /api/v1/closures/" + c.ID
	switch c.State {
	case purse.ClosureStarted, purse.ClosureAgreement:
		return base + "/agreement"
	case purse.ClosureEligibility:
		return base + "/eligibility"
	case purse.ClosureRights:
		return base + "/rights"
	case purse.ClosureVerification:
		return base + "/verification"
	case purse.ClosureEmailConfirm:
		return "POST /api/v1/closures/confirm"
	case purse.ClosureReview:
		if c.Submitted {
			return "wait for review"
		}
		return base + "/submit"
	case purse.ClosureCoolingOff:
		return "wait for the end of cooling-off, or " + base + "/cancel to keep the account"
	}
	return "none"
}

// conflict is the error for a step asked in the wrong state.
func conflict(c *purse.ClosureRequest) error {
	return &purse.Error{Code: purse.CodeClosureStateConflict, Detail: "closure " + c.ID + " is " + string(c.State),
		Params: map[string]any{"State": string(c.State), "Next": NextStep(c)}}
}
