package sqlstore

// EligibilityFactsQuery is the eligibility statement, for the plan test.
var EligibilityFactsQuery = eligibilityFacts
