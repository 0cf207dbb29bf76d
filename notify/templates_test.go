package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/i18n"
)

// TestTemplatesInBothLanguages: every notification template (ids "<template>.body" and
// "<template>.subject") exists in Chinese and English, so that Enqueue never falls back to the
// other language. A subject is optional (SMS-only templates need none), a body is not.
func TestTemplatesInBothLanguages(t *testing.T) {
	t.Parallel()
	cat, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{i18n.Chinese, i18n.English}, {i18n.English, i18n.Chinese}} {
		ids, err := i18n.IDs(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			name, ok := strings.CutSuffix(id, ".body")
			if !ok {
				name, ok = strings.CutSuffix(id, ".subject")
			}
			if !ok {
				continue
			}
			if !cat.Has(pair[1], id) {
				t.Errorf("%s has %s but %s lacks it", pair[0], id, pair[1])
			}
			if !cat.Has(pair[0], name+".body") {
				t.Errorf("%s: template %s has a subject but no body", pair[0], name)
			}
		}
	}
}
