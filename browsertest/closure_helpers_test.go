package browsertest

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
)

// withPolicy starts the server with a closure preset.
func withPolicy(t *testing.T, name string) apitest.Option {
	t.Helper()
	p, err := closure.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return func(c *app.Config) { c.Policy = p }
}

var (
	sixDigits = regexp.MustCompile(`\b(\d{6})\b`)
	confirmRe = regexp.MustCompile(`/closure/confirm\?token=[A-Za-z0-9_\-]+`)
)

// lastMessage returns the newest message the dev outbox holds for the recipient.
func lastMessage(t *testing.T, e *apitest.Env, to string) string {
	t.Helper()
	var body string
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		msgs, err := tx.MessagesTo(context.Background(), to, 1)
		if len(msgs) > 0 {
			body = msgs[0].Body
		}
		return err
	})
	if err != nil || body == "" {
		t.Fatalf("no message to %s: %v", to, err)
	}
	return body
}

// signIn signs an account in through the form.
func signIn(b *Browser, u *apitest.User) {
	b.T.Helper()
	b.Open("/signin")
	b.Fill("#f-login", u.Phone)
	b.Fill("#f-password", u.Password)
	next(b, "form.form button[type=submit]")
	b.ExpectPath("/")
}

// agree goes from settings to the closure agreement (TP-2) and ticks it (TP-3).
func agree(b *Browser) string {
	b.T.Helper()
	next(b, ".tabs a[href='/settings']")
	next(b, "#to-service")
	next(b, "#close-account")
	b.ExpectPath("/closure?from=settings")
	b.Shot("agreement")
	b.Click("#f-accept")
	next(b, "form[action='/closure'] button[type=submit]")
	p := b.Path()
	if !strings.HasPrefix(p, "/closure/") {
		b.Shot("unexpected")
		b.T.Fatalf("after the agreement: on %s", p)
	}
	return strings.TrimPrefix(p, "/closure/")
}

// closureState returns the request's state.
func closureState(t *testing.T, e *apitest.Env, id string) purse.ClosureState {
	t.Helper()
	var s purse.ClosureState
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		c, err := tx.Closure(context.Background(), id, "")
		if err == nil {
			s = c.State
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// next clicks an element that navigates (a link or a form's button) and waits until a new
// document has replaced the old one and finished loading. It marks the old document first, so
// that a page answering at the same address still counts, and it rides out the moments when the
// page is between documents.
func next(b *Browser, sel string) {
	b.T.Helper()
	b.run("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	// The page is marked, and the element brought to the middle of the screen: at its bottom edge
	// the fixed tab bar would take the click.
	sq, _ := json.Marshal(sel)
	value(b, "mark the page", chromedp.Evaluate[bool](`window.__old = true, document.querySelector(`+string(sq)+
		`).scrollIntoView({block: "center"}), true`))
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__old && document.readyState === "complete" && document.querySelector("main") !== null`))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Shot("stuck")
	b.T.Fatalf("click %s: no new page", sel)
}
