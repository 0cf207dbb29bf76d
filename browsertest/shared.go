package browsertest

import (
	"context"
	"sync"

	"github.com/chromedp/chromedp"
)

// One Chromium serves every test of the package, each test in a browser context of its own (an
// incognito-like profile: its own cookies, storage and cache, disposed of with its tab). A
// Chromium per test, with its cold first page, cost 3.4 s of a busy 2-core machine a test, for the
// package's 39 browsers.
var shared struct {
	once sync.Once
	ctx  context.Context // the browser's own first tab, parent of every test's context
	stop func()
	err  error
}

// sharedBrowser starts the package's Chromium at path on the first call, with the options every
// test runs under, and returns its context.
func sharedBrowser(path string) (context.Context, error) {
	shared.once.Do(func() {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // purse's CI runs as root
			chromedp.Headless,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("metrics-recording-only", true),
			chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
			chromedp.WindowSize(Width, Height),
			// A user in China: the browser asks for Chinese, as purse's default readers do.
			chromedp.Flag("lang", "zh-CN"),
			chromedp.Flag("accept-lang", "zh-CN,zh"),
		}
		// chromedp gives the browser a temporary profile folder, removed when it stops.
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelBrowser := chromedp.NewContext(actx)
		shared.ctx = ctx
		shared.stop = func() {
			cancelBrowser()
			cancelAlloc()
		}
		shared.err = chromedp.Do(ctx)
	})
	return shared.ctx, shared.err
}

// stopSharedBrowser stops the package's Chromium, if it was started.
func stopSharedBrowser() {
	if shared.stop != nil {
		shared.stop()
	}
}
