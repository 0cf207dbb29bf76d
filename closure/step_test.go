package closure_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/closuretest"
)

// A step answers with its request's history from memory (what earlier steps stored, then its own
// transitions, which it writes only as it ends): the answer must be what a later read of the
// history shows, event for event, on every store. The strict flow passes through every kind of
// step: one that makes the request, user steps, the e-mail link, and the submit.
func TestStepHistoryIsWhatIsStored(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		s := e.App.Closures
		u := e.SignUp(apitest.NextPhone() + "@example.com")
		f, err := s.Start(ctx, u.ID, closure.Env{})
		if err != nil {
			t.Fatal(err)
		}
		id := f.Request.ID
		steps := []struct {
			name string
			run  func() (*closure.Flow, error)
		}{
			{"start", func() (*closure.Flow, error) { return f, nil }},
			{"accept", func() (*closure.Flow, error) { return s.Accept(ctx, u.ID, id, true, closure.Env{}) }},
			{"rights", func() (*closure.Flow, error) { return s.ConfirmRights(ctx, u.ID, id, true) }},
			{"verify", func() (*closure.Flow, error) {
				if _, err := s.SendCode(ctx, u.ID, id, purse.ChannelSMS); err != nil {
					return nil, err
				}
				return s.Verify(ctx, u.ID, id, closure.Answers{PaymentPassword: u.PaymentPassword,
					SMSCode: closuretest.Code(t, e, u.Phone)})
			}},
			{"link", func() (*closure.Flow, error) { return s.ConfirmLink(ctx, closuretest.Link(t, e, u.Email)) }},
			{"submit", func() (*closure.Flow, error) { return s.Submit(ctx, u.ID, id) }},
		}
		seen := 0
		for _, st := range steps {
			got, err := st.run()
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			stored, err := s.Get(ctx, u.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.History, stored.History) {
				t.Fatalf("%s answered the history\n%v\nbut stored\n%v", st.name, events(got.History), events(stored.History))
			}
			if len(got.History) <= seen {
				t.Fatalf("%s: %d events in the history, %d before", st.name, len(got.History), seen)
			}
			seen = len(got.History)
		}
		if f, _ := s.Get(ctx, u.ID, id); f.Request.State != purse.ClosureCoolingOff {
			t.Fatalf("flow ended in %s, want cooling_off", f.Request.State)
		}
	}, closuretest.WithPolicy(t, "strict"))
}

func events(h []*purse.ClosureEvent) []purse.ClosureEvent {
	out := make([]purse.ClosureEvent, len(h))
	for i, e := range h {
		out[i] = *e
	}
	return out
}
