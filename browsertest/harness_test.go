package browsertest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/purse-wallet/purse/apitest"
)

// TestHarnessCatches proves the harness's own checks can fail: a request to another host and an
// inline script refused by the Content-Security-Policy are both seen.
func TestHarnessCatches(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	b := New(t, e)
	b.Open("/help")
	value(b, "inject", chromedp.Evaluate[bool](`(function () {
		new Image().src = "http://foreign.invalid/pixel.png";
		var s = document.createElement("script");
		s.textContent = "window.injected = true";
		document.body.appendChild(s);
		return true;
	})()`))
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		foreign, problems := len(b.foreign), len(b.problems)
		if foreign > 0 && problems > 0 || time.Now().After(deadline) {
			// Clear them, so that the cleanup does not fail this test for what it provoked.
			b.foreign, b.problems = nil, nil
			b.mu.Unlock()
			if foreign == 0 || problems == 0 {
				t.Fatalf("the harness saw %d foreign requests and %d CSP problems, want both", foreign, problems)
			}
			break
		}
		b.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	if ran := value(b, "check", chromedp.Evaluate[bool](`window.injected === true`)); ran {
		t.Fatal("the CSP let an inline script run")
	}
}
