package web_test

import (
	"context"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/i18n"
)

var missingKey = regexp.MustCompile(`web_[a-z0-9_]+`)

// Every page renders in both languages with no message id left untranslated.
func TestEveryPageTranslated(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	if _, _, err := e.App.Operators.Create(context.Background(), "admin1", purse.RoleAdmin, opPassword); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{i18n.Chinese, i18n.English} {
		c := newClient(t, e)
		c.lang = lang
		c.registerUser("Ada")
		consoleSignIn(t, c, "admin1")
		for _, path := range []string{"/", "/settings", "/service", "/service/self", "/help", "/closure",
			"/problems/maintenance", "/problems/app-version-outdated", "/problems/unavailable", "/problems/not-found",
			"/nowhere", "/admin", "/admin/accounts?q=" + url.QueryEscape("13800000000"), "/admin/maintenance", "/admin/accounts/" + c.accountID()} {
			p := c.get(path)
			if m := missingKey.FindString(p.Body); m != "" {
				t.Errorf("%s in %s: untranslated %s", path, lang, m)
			}
			if !strings.Contains(p.Body, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not in %s", path, lang)
			}
		}
	}
}

// Both web catalogs hold the same keys.
func TestCatalogsMatch(t *testing.T) {
	t.Parallel()
	keys := func(lang string) []string {
		ids, err := i18n.IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, id := range ids {
			if strings.HasPrefix(id, "web_") {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	zh, en := keys(i18n.Chinese), keys(i18n.English)
	if strings.Join(zh, ",") != strings.Join(en, ",") || len(zh) < 100 {
		t.Fatalf("web catalogs differ or are short: %d zh, %d en", len(zh), len(en))
	}
}
