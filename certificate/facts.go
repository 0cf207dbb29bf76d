package certificate

import (
	"strings"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// Items and reasons a statement names (docs/closure-api.md; translated in i18n/locales/certificate.*).
const (
	ItemAccount  = "account"         // the account: status closed, sign-in refused
	ItemSessions = "sessions"        // sign-in sessions and API tokens, revoked
	ItemCards    = "quick_pay_cards" // quick-pay card bindings, unbound
	ItemLinked   = "linked_accounts" // accounts on other platforms, unlinked and told (AP-4)
	ItemPersonal = "personal_data"   // phone, e-mail, name, ID number, card numbers, addresses, free text
	ItemDataKey  = "data_key"        // the account's data key: destroyed, so sealed copies and backups are unreadable
	ItemRecords  = "ledger_records"  // transactions, points, coupons, agreements and other service records
	// ItemRecordsIdentity is the identity the AML law keeps with the records (name, phone), sealed
	// under a records key separate from the data key (lifecycle.Policy.RecordsIdentity).
	ItemRecordsIdentity = "records_identity"
	ItemShared          = "shared_transfers"
	ItemAudit           = "audit_log"
	ItemTombstone       = "account_tombstone"
	ItemClosure         = "closure_record"

	WhySupport      = "support_and_disputes"  // recovery during the retention period, complaints, disputes (GE-4, GE-8)
	WhyAML          = "anti_money_laundering" // AML law: records kept after the relationship ends
	WhyCounterparty = "counterparty_records"  // the other party's own records still need the transfer
	WhyAudit        = "tamper_evident_audit"  // the hash-chained log of every step; names the account by id only
	WhyTombstone    = "id_never_reused"       // the account id and its status, nothing personal
	WhyClosure      = "proof_of_closure"      // this request and its history, which this document states
)

// Facts are what one closure did, as the closing transaction saw it.
type Facts struct {
	AccountID, ClosureID, Policy string
	RequestedAt, ClosedAt        time.Time
	Sessions, Cards, Linked      int
}

// Closure is the closure certificate's statement: what this closure closed, when the purge will
// erase the personal data, and what is kept, why and until when, under the retention settings
// the purge runs with (s.Retention, the --retention-* flags).
func (s *Signer) Closure(f Facts, now time.Time) *Statement {
	p := s.Retention.Effective()
	st := s.base(KindClosure, f.AccountID, f.ClosureID, f.Policy, f.RequestedAt, f.ClosedAt, now)
	at := sec(f.ClosedAt)
	st.Closed = []Closed{{Item: ItemAccount, Count: 1, At: at}, {Item: ItemSessions, Count: f.Sessions, At: at},
		{Item: ItemCards, Count: f.Cards, At: at}, {Item: ItemLinked, Count: f.Linked, At: at}}
	personal := p.Personal.After(f.ClosedAt)
	st.Erased = []Erased{
		{Item: ItemPersonal, Due: ptr(personal), Setting: "retention-personal=" + p.Personal.String()},
		{Item: ItemDataKey, Due: ptr(personal), Setting: "retention-personal=" + p.Personal.String()},
	}
	st.Kept = append([]Kept{{Item: ItemPersonal, Why: WhySupport, Until: ptr(personal),
		Setting: "retention-personal=" + p.Personal.String()}}, kept(p, f.ClosedAt)...)
	return st
}

// ErasureFacts are what one personal-data purge did to one account.
type ErasureFacts struct {
	AccountID, ClosureID, Policy string
	RequestedAt, ClosedAt        time.Time
	ErasedAt                     time.Time
}

// Erasure is the erasure receipt's statement: the personal data and the data key erased at
// ErasedAt, and what is still kept.
func (s *Signer) Erasure(f ErasureFacts) *Statement {
	p := s.Retention.Effective()
	st := s.base(KindErasure, f.AccountID, f.ClosureID, f.Policy, f.RequestedAt, f.ClosedAt, f.ErasedAt)
	st.Closed = []Closed{}
	st.Erased = []Erased{
		{Item: ItemPersonal, At: ptr(f.ErasedAt), Setting: "retention-personal=" + p.Personal.String()},
		{Item: ItemDataKey, At: ptr(f.ErasedAt), Setting: "retention-personal=" + p.Personal.String()},
	}
	st.Kept = kept(p, f.ClosedAt)
	return st
}

// kept is what outlives the personal data: the AML records until the records period ends, then
// what is kept for good.
// The identity the records keep is listed only when the policy keeps one, with its fields.
func kept(p lifecycle.Policy, closedAt time.Time) []Kept {
	records := p.Records.After(closedAt)
	out := []Kept{{Item: ItemRecords, Why: WhyAML, Until: ptr(records), Setting: "retention-records=" + p.Records.String()}}
	if len(p.RecordsIdentity) > 0 {
		out = append(out, Kept{Item: ItemRecordsIdentity, Why: WhyAML, Until: ptr(records),
			Setting: "records-identity=" + strings.Join(p.RecordsIdentity, ",") + " retention-records=" + p.Records.String()})
	}
	return append(out, []Kept{
		{Item: ItemShared, Why: WhyCounterparty, Indefinite: true},
		{Item: ItemAudit, Why: WhyAudit, Indefinite: true},
		{Item: ItemTombstone, Why: WhyTombstone, Indefinite: true},
		{Item: ItemClosure, Why: WhyClosure, Indefinite: true},
	}...)
}

func (s *Signer) base(kind, account, closure, policy string, requested, closed, now time.Time) *Statement {
	zone := "UTC"
	if s.Location != nil {
		zone = s.Location.String()
	}
	return &Statement{Version: Version, Kind: kind, Issuer: s.Issuer, AccountID: account, ClosureID: closure,
		Policy: policy, RequestedAt: sec(requested), ClosedAt: sec(closed), IssuedAt: sec(now), TimeZone: zone}
}
