package browsertest

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// TestMain skips the browser suite under -short (all but TestEveryStepIsWalked): each test drives a headless Chromium through
// whole pages, and together they were half of the short suite's time. CI runs without -short
// (.ci/run), where PURSE_REQUIRE_BROWSER=1 makes a missing Chromium fail the suite.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// Only the step map needs no browser: it alone runs.
		fmt.Println("browser tests skipped under -short")
		if err := flag.Set("test.run", "^TestEveryStepIsWalked$"); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
	code := m.Run()
	stopSharedBrowser()
	os.Exit(code)
}
