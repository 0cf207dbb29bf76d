package audit_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/i18n"
)

// The admin actions are one list (issue 20): no code outside audit/admin.go spells an admin
// action, so the console and the admin API cannot drift apart again, and the console names every
// one of them in both languages.
func TestAdminActionsAreOneVocabulary(t *testing.T) {
	t.Parallel()
	literal := regexp.MustCompile(`"admin\.[a-z_]+\.[a-z_]+"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			path == filepath.Join("..", "audit", "admin.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(src), "\n") {
			if m := literal.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "//") &&
				!strings.Contains(line, "// e.g.") {
				t.Errorf("%s spells the admin action %s: use audit's constant", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(audit.AdminActions)))); n != len(audit.AdminActions) {
		t.Errorf("audit.AdminActions lists %d actions, %d of them distinct", len(audit.AdminActions), n)
	}
	cat, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audit.AdminActions {
		if !strings.HasPrefix(a, "admin.") {
			t.Errorf("%s is not an admin action's name", a)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			if id := "wact_" + strings.ReplaceAll(a, ".", "_"); !cat.Has(lang, id) {
				t.Errorf("the console has no %s label for %s (%s)", lang, a, id)
			}
		}
	}
}
