package http

import (
	"context"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/closure"
)

// flowBody is a closure request as the API shows it.
type flowBody struct {
	ID            string          `json:"id"`
	State         string          `json:"state"`
	Policy        string          `json:"policy"`
	Next          string          `json:"next"`
	CreatedAt     time.Time       `json:"created_at"`
	ExpiresAt     time.Time       `json:"expires_at"`
	Deadline      time.Time       `json:"deadline"`
	CoolingEndsAt *time.Time      `json:"cooling_ends_at,omitempty"`
	ClosedAt      *time.Time      `json:"closed_at,omitempty"`
	Submitted     bool            `json:"submitted"`
	Blockers      []purse.Blocker `json:"blockers"`
	Factors       factorsBody     `json:"factors"`
	Agreement     *agreementBody  `json:"agreement,omitempty"`
	Rights        *rightsBody     `json:"rights,omitempty"`
	History       []historyBody   `json:"history"`
}

type factorsBody struct {
	Required []string `json:"required"`
	Passed   []string `json:"passed"`
}

type agreementBody struct {
	Title string `json:"title"`
	Text  string `json:"text"`
	Tick  string `json:"tick"`
}

type rightsBody struct {
	Title  string   `json:"title"`
	Lost   []string `json:"lost"`
	Linked []string `json:"linked"`
}

type historyBody struct {
	At    time.Time `json:"at"`
	From  string    `json:"from,omitempty"`
	To    string    `json:"to"`
	Actor string    `json:"actor"`
	Note  string    `json:"note,omitempty"`
}

// localizeBlockers fills each blocker's message in the caller's language.
func (s *Server) localizeBlockers(ctx context.Context, bs []purse.Blocker) []purse.Blocker {
	lang := languageOf(ctx)
	out := make([]purse.Blocker, 0, len(bs))
	for _, b := range bs {
		b.Message = s.Catalog.Message(lang, string(b.Code), nil)
		out = append(out, b)
	}
	return out
}

// renderFlow builds the API view of a flow, with the agreement (TP-3) and the rights given up
// (AP-4) in the caller's language.
func (s *Server) renderFlow(ctx context.Context, f *closure.Flow) *flowBody {
	lang := languageOf(ctx)
	c := f.Request
	b := &flowBody{ID: c.ID, State: string(c.State), Policy: c.Policy, Next: closure.NextStep(c),
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt, Deadline: c.Deadline, Submitted: c.Submitted,
		Blockers: s.localizeBlockers(ctx, f.Blockers),
		Factors:  factorsBody{Required: nonNil(f.Required), Passed: nonNil(c.Factors)}}
	if !c.CoolingEnds.IsZero() {
		t := c.CoolingEnds
		b.CoolingEndsAt = &t
	}
	if !c.ClosedAt.IsZero() {
		t := c.ClosedAt
		b.ClosedAt = &t
	}
	m := func(id string, p map[string]any) string { return s.Catalog.Message(lang, id, p) }
	if c.State == purse.ClosureStarted || c.State == purse.ClosureAgreement {
		b.Agreement = &agreementBody{Title: m("closure.agreement.title", nil), Text: m("closure.agreement.text", nil),
			Tick: m("closure.agreement.tick", nil)}
	}
	if c.State == purse.ClosureRights || c.State == purse.ClosureEligibility {
		r := &rightsBody{Title: m("closure.rights.title", nil), Linked: []string{}}
		for _, k := range []string{"personal_data", "records", "quick_pay", "points", "coupons"} {
			r.Lost = append(r.Lost, m("closure.rights."+k, nil))
		}
		for _, l := range f.Linked {
			r.Linked = append(r.Linked, m("closure.rights.linked", map[string]any{"Platform": l.Platform, "ExternalID": l.ExternalID}))
		}
		b.Rights = r
	}
	for _, e := range f.History {
		b.History = append(b.History, historyBody{At: e.At, From: string(e.From), To: string(e.To), Actor: e.Actor, Note: e.Note})
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// closureExtra puts a closure conflict's state, next step and request id in the problem's extra
// members, so that a client can recover without parsing the message.
func closureExtra(e *purse.Error) map[string]any {
	switch e.Code {
	case purse.CodeClosureStateConflict, purse.CodeClosureInProgress:
	default:
		return nil
	}
	out := map[string]any{}
	for _, k := range []string{"State", "Next", "ID"} {
		if v, ok := e.Params[k]; ok {
			out[strings.ToLower(k)] = v
		}
	}
	return out
}
