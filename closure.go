package purse

// Blocker is one reason an account cannot be closed now, with what removes it. The eligibility
// check returns all of them at once (AP-3), so the user can clear them in one visit.
type Blocker struct {
	Code Code `json:"code"`
	// Message is filled in the caller's language by the HTTP layer.
	Message string `json:"message"`
	// Remedy is what clears the blocker: an API route and the page that performs it.
	Remedy Remedy `json:"remedy"`
	// Warning blockers (unused coupons) are shown but do not stop the closure.
	Warning bool `json:"warning,omitempty"`
}

// Remedy names the action that removes a blocker.
type Remedy struct {
	Action string `json:"action"` // e.g. "withdraw", "redeem", "cancel_agreement"
	API    string `json:"api"`    // e.g. "POST /api/v1/withdrawals"
	Page   string `json:"page"`   // e.g. "/withdraw"
}
