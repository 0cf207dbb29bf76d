// Package browsertest drives Debian's Chromium through purse's pages with chromedp, the way a user
// clicks through them: it starts the real server (apitest on SQLite), opens pages, clicks and
// fills, waits after each click or key for the page it leads to, checks at every step that the
// page fits a phone's width, and fails a test whose pages request any host but purse's own or
// break the Content-Security-Policy.
//
// Without Chromium the tests skip with a message, unless PURSE_REQUIRE_BROWSER=1 (CI) makes a
// missing browser a failure. PURSE_SCREENSHOTS names a folder for a screenshot of every step, in
// a folder named after the test (without it no screenshot is drawn: see Shot); PURSE_GALLERY the
// folder of the documentation's pictures (docs/screenshots, see Gallery); PURSE_CHROMIUM
// overrides the browser's path.
//
// Each walk declares the seed steps of docs/closure-flows.md it covers on a "// Steps:" line of its
// comment, and runs in Chinese and in English; TestEveryStepIsWalked fails on a step no walk names.
package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/purse-wallet/purse/apitest"
)

// Width and Height are the viewport: a phone (iPhone SE/mini class), where purse must work.
const (
	Width  = 375
	Height = 812
)

// Browser is one Chromium with one tab, on one running purse.
type Browser struct {
	T   *testing.T
	Env *apitest.Env
	ctx context.Context
	dir string // where Shot saves the screenshots; "" draws none

	mu       sync.Mutex
	step     int
	foreign  []string // requests to any host but the server's
	problems []string // CSP violations and script errors
}

// Chromium returns the browser's path, or "" when there is none.
func Chromium() string {
	for _, p := range []string{os.Getenv("PURSE_CHROMIUM"), "/usr/bin/chromium", "/usr/lib/chromium/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// New opens a headless Chromium on e's server. It skips the test when Chromium is absent, unless
// PURSE_REQUIRE_BROWSER=1.
func New(t *testing.T, e *apitest.Env) *Browser {
	t.Helper()
	path := Chromium()
	if path == "" {
		if os.Getenv("PURSE_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium not found at /usr/bin/chromium (PURSE_REQUIRE_BROWSER=1): apt-get install -y chromium")
		}
		t.Skip("browser tests skipped: Chromium not found at /usr/bin/chromium (apt-get install -y chromium, or set PURSE_CHROMIUM)")
	}
	browser, err := sharedBrowser(path)
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	b := &Browser{T: t, Env: e, ctx: ctx, dir: screenshotDir(t)}
	server, _ := url.Parse(e.Server.URL)
	err = chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(ev.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Host != server.Host) {
				b.mu.Lock()
				b.foreign = append(b.foreign, ev.Request.URL)
				b.mu.Unlock()
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && (ev.Entry.Source == log.EntrySourceSecurity || strings.Contains(ev.Entry.Text, "Content Security Policy")) {
				b.mu.Lock()
				b.problems = append(b.problems, ev.Entry.Text)
				b.mu.Unlock()
			}
		case *runtime.EventExceptionThrown:
			b.mu.Lock()
			b.problems = append(b.problems, "script error: "+ev.ExceptionDetails.Text)
			b.mu.Unlock()
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, log.Enable, cdp.Empty{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, runtime.Enable, cdp.Empty{})
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height, chromedp.EmulateScale(2)))
	}
	if err != nil {
		cancelTab()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelTab()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, f := range b.foreign {
			t.Errorf("a page requested a foreign host: %s", f)
		}
		for _, p := range b.problems {
			t.Errorf("the browser reported: %s", p)
		}
		if b.dir != "" {
			t.Logf("screenshots in %s", b.dir)
		}
		if t.Failed() {
			for _, line := range strings.Split(e.Log.String(), "\n") {
				if strings.Contains(line, `"level":"ERROR"`) {
					t.Logf("server: %s", line)
				}
			}
		}
	})
	return b
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshotDir is the test's folder under PURSE_SCREENSHOTS, or "" without it. The default was
// a temporary folder, removed with the test whether it passed or failed: no one saw those
// pictures, and drawing them (a full page at twice the phone's pixels, PNG-encoded by Chromium)
// took a seventh of a walk's time on a busy CI machine.
func screenshotDir(t *testing.T) string {
	root := os.Getenv("PURSE_SCREENSHOTS")
	if root == "" {
		return ""
	}
	dir := filepath.Join(root, unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs actions with a timeout, failing the test with what was being done.
func (b *Browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.Shot("failed")
		b.T.Fatalf("%s: %v", what, err)
	}
}

// value runs an action that returns a value, failing the test with what was being done.
func value[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.Shot("failed")
		b.T.Fatalf("%s: %v", what, err)
	}
	return v
}

// Open loads a path of the server and waits for its main landmark.
func (b *Browser) Open(path string) {
	b.T.Helper()
	b.run("open "+path, chromedp.Navigate(b.Env.Server.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// Click clicks the element, as a finger or a mouse does, and waits for what the click set off:
// the next page, or an htmx exchange (see act).
func (b *Browser) Click(sel string) {
	b.T.Helper()
	b.run("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	// At the bottom edge of the screen the fixed tab bar would take the click: bring the element
	// to the middle first.
	value(b, "scroll to "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"}), true`, sel)))
	b.act("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Fill types value into the input.
func (b *Browser) Fill(sel, value string) {
	b.T.Helper()
	b.run("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Choose picks the option of value in the select element.
func (b *Browser) Choose(sel, value string) {
	b.T.Helper()
	b.run("choose "+value+" in "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
}

// Submit sends the form the element belongs to, as pressing its button does (the browser's own
// checks and the page's submit handlers included), and waits for the answer.
func (b *Browser) Submit(sel string) {
	b.T.Helper()
	b.act("submit "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(el => {
		(el.form || el.closest("form")).requestSubmit(el.type === "submit" ? el : null);
	})(document.querySelector(%q))`, sel)))
}

// Keys types keys (chromedp/kb names such as kb.Tab, kb.Enter) into the focused element, as a
// keyboard user does, and waits for what they set off: Enter in a form sends it.
func (b *Browser) Keys(keys string) {
	b.T.Helper()
	b.act("type keys", chromedp.KeyEvent(keys))
}

// Focused returns the id, or else the class, of the element that has the keyboard focus.
func (b *Browser) Focused() string {
	b.T.Helper()
	return value(b, "focused element", chromedp.Evaluate[string](`(document.activeElement && (document.activeElement.id || document.activeElement.className)) || ""`))
}

// Text returns the text of the first element matching sel.
func (b *Browser) Text(sel string) string {
	b.T.Helper()
	b.run("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	return value(b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// Expect fails the test unless the element sel shows want.
func (b *Browser) Expect(sel, want string) {
	b.T.Helper()
	if got := b.Text(sel); !strings.Contains(got, want) {
		b.Shot("unexpected")
		b.T.Fatalf("%s shows %q, want %q", sel, got, want)
	}
}

// Path returns the current page's path and query.
func (b *Browser) Path() string {
	b.T.Helper()
	loc := value(b, "location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.T.Fatal(err)
	}
	return u.RequestURI()
}

// ExpectPath fails the test unless the current page is path (query included when given).
func (b *Browser) ExpectPath(want string) {
	b.T.Helper()
	got := b.Path()
	if !strings.Contains(want, "?") {
		got, _, _ = strings.Cut(got, "?")
	}
	if got != want {
		b.Shot("unexpected")
		b.T.Fatalf("on %s, want %s", got, want)
	}
}

// Has reports whether an element matches sel now.
func (b *Browser) Has(sel string) bool {
	b.T.Helper()
	return value(b, "look for "+sel, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", sel)))
}

// Shot checks that the page is no wider than a phone (a failure is reported when the test ends)
// and, when PURSE_SCREENSHOTS names a folder, saves a full-page screenshot there, numbered in the
// order of the steps; it returns the file's path, or "" when none was saved.
func (b *Browser) Shot(name string) string {
	b.T.Helper()
	b.mu.Lock()
	b.step++
	n := b.step
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	// A full-page capture draws fixed bars where the viewport happens to end; let the bottom tabs
	// sit in the flow for the picture, and put them back after.
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".tabs").forEach(e => e.style.position = "static"), true`))
	defer func() {
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".tabs").forEach(e => e.style.position = ""), true`))
	}()
	// purse must work on a 375-pixel-wide phone: nothing may stick out sideways.
	if wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		b.mu.Lock()
		b.problems = append(b.problems, fmt.Sprintf("step %s is wider than %d pixels", name, Width))
		b.mu.Unlock()
	}
	if b.dir == "" {
		return ""
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.T.Logf("screenshot %s: %v", name, err)
		return ""
	}
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", n, unsafeName.ReplaceAllString(name, "_")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.T.Fatal(err)
	}
	return file
}
