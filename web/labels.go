package web

import (
	"context"
	"html/template"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// The console and the closure pages show states, policies, actors, history notes and audit
// actions as words in the reader's language (web_console.*.toml), never as the identifiers the
// store keeps (issue 18: "cooling_off", "agreement accepted", "operator:01a2…").

// State names a closure state.
func (v *view) State(s purse.ClosureState) string { return v.label("wst_"+string(s), string(s)) }

// PolicyName names a preset; a policy file keeps the name its operator gave it.
func (v *view) PolicyName(name string) string { return v.label("wpol_"+name, name) }

// Action names an audit action ("admin.closure.restore").
func (v *view) Action(a string) string {
	return v.label("wact_"+strings.ReplaceAll(a, ".", "_"), a)
}

// Actor names who acted, as Actor does, with an operator's username marked as a name
// (translate="no"): the username is the operator's own, in no page language.
func (v *view) ActorHTML(a string) template.HTML {
	kind, id, _ := strings.Cut(a, ":")
	if name, ok := v.names[id]; ok && kind == "operator" {
		const mark = "\uE000" // a private-use character no message holds
		text := template.HTMLEscapeString(v.T("wactor_operator", "Name", mark))
		return template.HTML(strings.Replace(text, mark, `<span translate="no">`+template.HTMLEscapeString(name)+`</span>`, 1))
	}
	return template.HTML(template.HTMLEscapeString(v.Actor(a)))
}

// Actor names who acted: the user, the system, or an operator by username (names must have been
// loaded with withOperatorNames).
func (v *view) Actor(a string) string {
	kind, id, _ := strings.Cut(a, ":")
	switch kind {
	case "account":
		return v.T("wactor_user")
	case "system":
		return v.T("wactor_system")
	case "anonymous":
		return v.T("wactor_anonymous")
	case "operator":
		if name, ok := v.names[id]; ok {
			return v.T("wactor_operator", "Name", name)
		}
		return v.T("wactor_unknown_operator", "ID", short(id))
	}
	return a
}

// notes maps the closure engine's history notes to messages; a note with particulars after a
// colon ("review failed: BALANCE_NOT_ZERO") names them in words.
var notes = map[string]string{
	"environment check failed":           "wn_env_failed",
	"agreement accepted":                 "wn_agreement_accepted",
	"no blockers":                        "wn_no_blockers",
	"rights given up":                    "wn_rights_given_up",
	"factors passed":                     "wn_factors_passed",
	"factors passed, link sent":          "wn_link_sent",
	"link clicked":                       "wn_link_clicked",
	"review passed":                      "wn_review_passed",
	"cancelled by the user":              "wn_cancelled_by_user",
	"restored by support":                "wn_restored",
	"idle past expiry":                   "wn_idle",
	"review failed":                      "wn_review_failed",
	"blockers at the end of cooling-off": "wn_cooling_blockers",
	"device certificate installed":       "wn_certificate_installed",
}

// Note says a history note in words.
func (v *view) Note(note string) string {
	if id, ok := notes[note]; ok {
		return v.T(id)
	}
	head, rest, _ := strings.Cut(note, ": ")
	switch {
	case head == closure.RestoredNote:
		check, reason, _ := strings.Cut(rest, ": ")
		return v.T("wn_restored_with", "Check", v.T("wa_idcheck_"+check), "Reason", reason)
	case strings.HasPrefix(note, "policy "):
		return v.T("wn_policy", "Policy", v.PolicyName(strings.TrimPrefix(note, "policy ")))
	case head == "rejected":
		return v.T("wn_rejected", "Reason", rest)
	case notes[head] != "":
		var reasons []string
		for _, code := range strings.Split(rest, ",") {
			if code = strings.TrimSpace(code); code != "" {
				reasons = append(reasons, v.cat.Message(v.Lang, code, nil))
			}
		}
		return v.T(notes[head], "Reasons", strings.Join(reasons, v.T("web_list_sep")))
	}
	return note
}

func (v *view) label(id, fallback string) string {
	if v.cat.Has(v.Lang, id) {
		return v.T(id)
	}
	return fallback
}

// short is the start of an id, enough to tell operators apart.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// withOperatorNames loads the operators' names for v.Actor.
func (h *Handler) withOperatorNames(ctx context.Context, v *view) {
	_ = h.Store.Read(ctx, func(tx purse.Tx) error {
		names, err := tx.OperatorNames(ctx)
		v.names = names
		return err
	})
}

// Platform names a linked platform by its slug ("taobao" → 淘宝); an operator's own platform keeps
// its slug.
func (v *view) Platform(slug string) string { return v.label("wplat_"+slug, slug) }

// Reasons are the reasons for leaving a user may give (IM-1), in the order the form offers them.
func (v *view) Reasons() []purse.ClosureReason { return purse.ClosureReasons }

// IdentityChecks are the identity checks a restore may record (closure.IdentityChecks).
func (v *view) IdentityChecks() []string { return closure.IdentityChecks }
