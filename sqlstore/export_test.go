package sqlstore

// Statements whose plans sqlstore_test checks.
var (
	EligibilityFactsQuery = eligibilityFacts
	LatestCodeQuery       = latestCode
	ErasePersonalQuery    = erasePersonalColumns + "(?,?,?)"
	OpenClosuresQuery     = openClosures(8)
	EraseLookupsQuery     = eraseLookups + "(?,?,?)"
	LiveLookupQuery       = liveAccountByLookup
	AccountQuery          = selectAccount
)
