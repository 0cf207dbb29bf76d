package sqlstore

import "github.com/purse-wallet/purse"

// Statements whose plans sqlstore_test checks.
var (
	EligibilityFactsQuery  = eligibilityFacts
	LatestCodeQuery        = latestCode
	ErasePersonalQuery     = erasePersonalColumns + "(?,?,?)"
	NoticedForErasureQuery = noticedForErasure
	PendingNoticesQuery    = pendingNotices
	OpenClosuresQuery      = openClosures([]purse.ClosureState{"started", "agreement", "eligibility", "rights", "verification", "email_confirmation", "review", "cooling_off"}, 50)
	EraseLookupsQuery      = eraseLookups + "(?,?,?)"
	EraseLookupHashesQuery = eraseLookupHashes + "(?,?,?)"
	LiveLookupQuery        = liveAccountByLookup
	AccountQuery           = selectAccount
	AccountForUpdateQuery  = accountForUpdate
	DataKeyQuery           = selectDataKey
	StoredLookupsQuery     = selectStoredLookups
	DataKeysQuery          = dataKeysIn("(?)", 1)
	ClosureAccountQuery    = selectClosureAccountLocked
	ClosureBothQuery       = selectClosureBothLocked
)
