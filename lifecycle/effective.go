package lifecycle

// Effective is the policy with the defaults filled in: what the purge runs under, and so what the
// closure certificate and the erasure receipt state (issue 16).
func (p Policy) Effective() Policy { return p.withDefaults() }
