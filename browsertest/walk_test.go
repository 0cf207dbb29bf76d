package browsertest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// lingo is the language a walk runs in (issue 18: every seed flow in zh-CN and in en).
type lingo struct{ lang string }

var (
	chinese = lingo{"zh-CN"}
	english = lingo{"en"}
)

// say is the text of the walk's language.
func (l lingo) say(zh, en string) string {
	if l.lang == english.lang {
		return en
	}
	return zh
}

// inBoth runs walk once in Chinese and once in English, as parallel subtests: each builds its own
// server and browser, so the two never share a session or a language cookie. The test runs in
// parallel with the suite's other parallel tests.
func inBoth(t *testing.T, walk func(t *testing.T, l lingo)) {
	t.Helper()
	t.Parallel()
	for _, l := range []lingo{chinese, english} {
		t.Run(l.lang, func(t *testing.T) {
			t.Parallel()
			walk(t, l)
		})
	}
}

// page checks the page is wholly in the walk's language (see inLanguage) and screenshots it as
// the step name.
func (l lingo) page(b *Browser, name string) {
	b.T.Helper()
	inLanguage(b, l.lang)
	b.Shot(name)
}

// expect checks the element sel shows the text of the walk's language.
func (l lingo) expect(b *Browser, sel, zh, en string) {
	b.T.Helper()
	b.Expect(sel, l.say(zh, en))
}

// begin opens a browser on e in the walk's language, switched as a user does on the sign-in page.
func (l lingo) begin(t *testing.T, e *apitest.Env) *Browser {
	t.Helper()
	b := New(t, e)
	speak(b, l.lang)
	return b
}

// account signs up an account (with the e-mail, if any) whose holder reads the walk's language:
// its messages come in it (issue 18: "an English user receives Chinese SMS and e-mails").
func (l lingo) account(t *testing.T, e *apitest.Env, email string) *apitest.User {
	t.Helper()
	u := e.SignUp(email)
	if err := e.App.Accounts.SetLanguage(context.Background(), u.ID, l.lang); err != nil {
		t.Fatal(err)
	}
	return u
}

// told fails the test unless a message of the template went to the phone or address, in the
// walk's language (the holder's).
func (l lingo) told(t *testing.T, e *apitest.Env, to, template string) {
	t.Helper()
	for _, m := range ct.Messages(t, e, to) {
		if m.Template == template {
			if m.Language != l.lang {
				t.Errorf("the %s message to %s is in %q, want the holder's %q", template, to, m.Language, l.lang)
			}
			return
		}
	}
	t.Errorf("no %s message went to %s", template, to)
}
