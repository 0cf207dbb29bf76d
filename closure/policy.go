package closure

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/i18n"
)

// Policy is an operator's closure rules as data (DESIGN.md §2): which checks apply, which factors
// verify whom, whether a person reviews, how long the cooling-off lasts. docs/policies.md explains
// every field; the presets in policies/ reproduce the seed wallets.
type Policy struct {
	Name        string `toml:"name" json:"name"`
	Description string `toml:"description" json:"description"`
	// Checks names the checks that apply (see AllChecks).
	Checks []string `toml:"checks" json:"checks"`
	// Cascade: the closure itself unbinds quick-pay cards and linked accounts (AP-4, IM-3) instead
	// of refusing while they exist.
	Cascade      bool `toml:"cascade" json:"cascade"`
	ManualReview bool `toml:"manual_review" json:"manual_review"`
	// SubmitOnLink: clicking the e-mail link completes the closure (IM-2).
	SubmitOnLink bool `toml:"submit_on_link" json:"submit_on_link"`
	// SMSWhen is when the sms_code factor applies: "always" (the default) or "risky", only with a
	// risk signal at the closure's start (TP-5, see risk.go).
	SMSWhen string `toml:"sms_when" json:"sms_when,omitempty"`
	// WithdrawalWindow: a withdrawal settled within it still blocks (AP-8.3).
	WithdrawalWindow Duration `toml:"withdrawal_window" json:"withdrawal_window"`
	// SweepThreshold: leftovers up to this many minor units may be swept by the ledger instead of
	// blocking; 0 disables sweeping.
	SweepThreshold int64    `toml:"sweep_threshold" json:"sweep_threshold"`
	CoolingOff     Duration `toml:"cooling_off" json:"cooling_off"`
	DeadlineDays   int      `toml:"deadline_days" json:"deadline_days"`
	// Deadline, when set, is the legal deadline as a rule instead: "15wd" (working days by the
	// holiday calendar), "30d" or "1mo" (GDPR's one month of receipt). See calendar.Rule.
	Deadline   string   `toml:"deadline" json:"deadline,omitempty"`
	FlowExpiry Duration `toml:"flow_expiry" json:"flow_expiry"`
	// NotifyOrder is the channels tried for notices, first available wins (AP-5).
	NotifyOrder []string `toml:"notify_order" json:"notify_order"`
	// Verification maps an account kind (AP-6) to the factors it must pass.
	Verification map[string][]string `toml:"verification" json:"verification"`
	Retention    Retention           `toml:"retention" json:"retention"`
	// Products are the operator's names for its books by language ([products.zh-CN] points =
	// "集分宝"); the generic names stand in for any left out.
	Products i18n.Products `toml:"products" json:"products,omitempty"`
}

// Retention is how long data is kept after closure (GE-8).
type Retention struct {
	PersonalData Duration `toml:"personal_data" json:"personal_data"`
	Records      Duration `toml:"records" json:"records"`
}

// Checks a policy may name.
const (
	CheckEnvironment = "environment"
	CheckBalance     = "balance"
	CheckPoints      = "points"
	CheckFund        = "fund"
	CheckTransaction = "transactions"
	CheckAutoDebits  = "auto_debits"
	CheckCredit      = "credit"
	CheckAgreements  = "agreements"
	CheckBusiness    = "business"
	CheckDisputes    = "disputes"
	CheckContracts   = "merchant_contracts"
	CheckStored      = "stored"
	CheckQuickPay    = "quick_pay"
	CheckOneClickPay = "one_click_pay"
	CheckLinked      = "linked_accounts"
	CheckCoupons     = "coupons"
)

// AllChecks lists every check, in the order blockers are reported.
var AllChecks = []string{CheckEnvironment, CheckBalance, CheckPoints, CheckFund, CheckTransaction,
	CheckAutoDebits, CheckCredit, CheckAgreements, CheckBusiness, CheckDisputes, CheckContracts,
	CheckStored, CheckQuickPay, CheckOneClickPay, CheckLinked, CheckCoupons}

// Verification factors (AP-6, DESIGN.md §7).
const (
	FactorPaymentPassword = "payment_password"
	FactorSMSCode         = "sms_code"
	FactorEmailCode       = "email_code"
	FactorEmailLink       = "email_link"
	FactorCaptcha         = "captcha"
)

var allFactors = []string{FactorPaymentPassword, FactorSMSCode, FactorEmailCode, FactorEmailLink, FactorCaptcha}

var kinds = []string{string(purse.KindUnverified), string(purse.KindMobile), string(purse.KindVerified), string(purse.KindMerchant)}

// Has reports whether the policy applies the check.
func (p *Policy) Has(check string) bool { return slices.Contains(p.Checks, check) }

// Factors returns the factors an account must pass: those of its kind, without the e-mail ones
// when it has no e-mail address (the e-mail link applies "where an e-mail exists").
func (p *Policy) Factors(kind purse.AccountKind, hasEmail bool) []string {
	var out []string
	for _, f := range p.Verification[string(kind)] {
		if !hasEmail && (f == FactorEmailCode || f == FactorEmailLink) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Duration is a time.Duration written as "24h", "90m" or "7d" in policy files.
type Duration struct{ time.Duration }

// UnmarshalText reads "7d" as seven days and anything else as time.ParseDuration does.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return fmt.Errorf("bad duration %q", s)
		}
		d.Duration = time.Duration(days) * 24 * time.Hour
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("bad duration %q", s)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back in a form UnmarshalText reads.
func (d Duration) MarshalText() ([]byte, error) {
	if d.Duration%(24*time.Hour) == 0 && d.Duration > 0 {
		return []byte(fmt.Sprintf("%dd", d.Duration/(24*time.Hour))), nil
	}
	return []byte(d.Duration.String()), nil
}

//go:embed policies/*.toml
var presets embed.FS

// Presets lists the built-in policy names.
func Presets() []string {
	entries, _ := presets.ReadDir("policies")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(names)
	return names
}

// DefaultPolicy is the preset used when none is named.
const DefaultPolicy = "strict"

// Load returns a preset by name, or parses a file when ref ends in .toml or names a path.
func Load(ref string) (*Policy, error) {
	if ref == "" {
		ref = DefaultPolicy
	}
	if strings.HasSuffix(ref, ".toml") || strings.ContainsRune(ref, os.PathSeparator) {
		raw, err := os.ReadFile(ref)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		return Parse(ref, raw)
	}
	raw, err := presets.ReadFile("policies/" + ref + ".toml")
	if err != nil {
		return nil, fmt.Errorf("policy: no preset %q (presets: %s)", ref, strings.Join(Presets(), ", "))
	}
	return Parse("preset "+ref, raw)
}

// PolicyError is an invalid policy file: where and why.
type PolicyError struct {
	File   string
	Line   int
	Reason string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("policy %s:%d: %s", e.File, e.Line, e.Reason)
}

// Parse reads a policy file strictly: an unknown key, a wrong type or an invalid value is a
// *PolicyError naming the file, the line and the reason.
func Parse(file string, raw []byte) (*Policy, error) {
	var p Policy
	md, err := toml.NewDecoder(bytes.NewReader(raw)).Decode(&p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &PolicyError{File: file, Line: pe.Position.Line, Reason: pe.Message}
		}
		return nil, &PolicyError{File: file, Line: lineOf(raw, ""), Reason: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &PolicyError{File: file, Line: lineOf(raw, k[len(k)-1]), Reason: fmt.Sprintf("unknown key %q", k.String())}
	}
	if key, reason := p.validate(); reason != "" {
		return nil, &PolicyError{File: file, Line: lineOf(raw, key), Reason: reason}
	}
	return &p, nil
}

// lineOf finds the line that sets key ("" or not found: line 1).
func lineOf(raw []byte, key string) int {
	if key == "" {
		return 1
	}
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=|^\s*\[\s*` + regexp.QuoteMeta(key) + `\s*\]`)
	for i, l := range strings.Split(string(raw), "\n") {
		if re.MatchString(l) {
			return i + 1
		}
	}
	return 1
}

// validate returns the offending key and the reason, or "" when the policy is sound.
func (p *Policy) validate() (string, string) {
	if p.Name == "" {
		return "name", "name is required"
	}
	if p.SMSWhen != "" && p.SMSWhen != SMSAlways && p.SMSWhen != SMSRisky {
		return "sms_when", `sms_when must be "always" or "risky"`
	}
	for _, c := range p.Checks {
		if !slices.Contains(AllChecks, c) {
			return "checks", fmt.Sprintf("unknown check %q (checks: %s)", c, strings.Join(AllChecks, ", "))
		}
	}
	for _, k := range kinds {
		if _, ok := p.Verification[k]; !ok {
			return "verification", fmt.Sprintf("verification for account kind %q is missing", k)
		}
	}
	for k, fs := range p.Verification {
		if !slices.Contains(kinds, k) {
			return k, fmt.Sprintf("unknown account kind %q (kinds: %s)", k, strings.Join(kinds, ", "))
		}
		if len(fs) == 0 {
			return k, fmt.Sprintf("account kind %q needs at least one factor", k)
		}
		for _, f := range fs {
			if !slices.Contains(allFactors, f) {
				return k, fmt.Sprintf("unknown factor %q (factors: %s)", f, strings.Join(allFactors, ", "))
			}
		}
	}
	if len(p.NotifyOrder) == 0 {
		return "notify_order", "notify_order needs at least one channel"
	}
	for _, c := range p.NotifyOrder {
		if c != string(purse.ChannelEmail) && c != string(purse.ChannelSMS) {
			return "notify_order", fmt.Sprintf("unknown channel %q (email, sms)", c)
		}
	}
	for lang := range p.Products {
		if lang != i18n.Chinese && lang != i18n.English {
			return "products", fmt.Sprintf("unknown language %q (products: zh-CN, en)", lang)
		}
	}
	if p.Deadline != "" {
		if _, err := calendar.ParseRule(p.Deadline); err != nil {
			return "deadline", err.Error()
		}
	} else if p.DeadlineDays < 1 || p.DeadlineDays > 60 {
		return "deadline_days", "deadline_days must be between 1 and 60"
	}
	if p.FlowExpiry.Duration < 10*time.Minute {
		return "flow_expiry", "flow_expiry must be at least 10m"
	}
	if p.SweepThreshold < 0 {
		return "sweep_threshold", "sweep_threshold must not be negative"
	}
	if p.SubmitOnLink && !slices.ContainsFunc(kinds, func(k string) bool { return slices.Contains(p.Verification[k], FactorEmailLink) }) {
		return "submit_on_link", "submit_on_link needs the email_link factor for some account kind"
	}
	if p.Retention.PersonalData.Duration <= 0 || p.Retention.Records.Duration <= 0 {
		return "retention", "retention periods must be positive"
	}
	return "", ""
}
