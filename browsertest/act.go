package browsertest

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// watchJS marks the current document and has it note whether the action about to happen leaves
// it. The page knows that synchronously, when the click or submit event has been dispatched; the
// browser starts the navigation only later, so asking the browser right after the click could
// miss it. The listeners sit on window, where an event arrives last, so that htmx or any other
// handler that cancels the default has had its say.
const watchJS = `(() => {
	window.__old = true;
	window.__leaving = false;
	if (!window.__watching) {
		window.__watching = true;
		addEventListener("click", e => {
			const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
			if (!a || e.defaultPrevented || a.hasAttribute("download") || (a.target !== "" && a.target !== "_self")) {
				return;
			}
			// A link to a place on the same page (the skip link) scrolls; it loads nothing.
			const samePage = a.href.split("#")[0] === location.href.split("#")[0] && a.href.includes("#");
			if (!samePage) {
				window.__leaving = true;
			}
		});
		addEventListener("submit", e => {
			if (!e.defaultPrevented) {
				window.__leaving = true;
			}
		});
	}
	return true;
})()`

// leftJS reports whether the page is being left: the marked document said so, or it is gone.
const leftJS = `window.__old !== true || window.__leaving === true`

// htmxIdleJS resolves once no htmx exchange is under way: htmx marks the element of a request,
// the target of a swap and the swapped content until it settles with these configured classes,
// and one of them is on the page from the request until the settling ends.
const htmxIdleJS = `new Promise(done => {
	const busy = () => document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling") !== null;
	if (!busy()) {
		return done(true);
	}
	const watch = new MutationObserver(() => {
		if (!busy()) {
			watch.disconnect();
			done(true);
		}
	});
	watch.observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["class"]});
})`

// act does what a user does (a click, a key, a form sent) and waits for what that set off, so
// that the next step sees its outcome: when the page is left, until the next document has
// loaded; when htmx exchanges a part of the page instead, until that has settled. An action that
// sets off neither returns at once. Each wait is bounded by the action's deadline.
func (b *Browser) act(what string, action chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	// A load event counts only after a new main document has been committed: the old document's
	// own load may still be on its way.
	loaded := make(chan struct{}, 1)
	committed := false
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventFrameNavigated:
			if ev.Frame.ParentID == "" {
				committed = true
			}
		case *page.EventLoadEventFired:
			if committed {
				select {
				case loaded <- struct{}{}:
				default:
				}
			}
		}
	})
	if err != nil {
		b.T.Fatalf("%s: watch the page: %v", what, err)
	}
	value(b, what+": mark the page", chromedp.Evaluate[bool](watchJS))
	b.run(what, action)
	// An error here means the old document's context went away under the question: it was left.
	if left, err := chromedp.Run(ctx, chromedp.Evaluate[bool](leftJS)); err != nil || left {
		select {
		case <-loaded:
		case <-ctx.Done():
			b.Shot("stuck")
			b.T.Fatalf("%s: the next page never finished loading", what)
		}
		return
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](htmxIdleJS, chromedp.EvalAwaitPromise)); err != nil {
		b.Shot("stuck")
		b.T.Fatalf("%s: the page's htmx exchange never settled: %v", what, err)
	}
}
