package http

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// Every error code with a message must have a status here, so that no code silently answers 422.
func TestEveryCataloguedCodeHasAStatus(t *testing.T) {
	ids, err := i18n.IDs(i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !isCode(id) {
			continue
		}
		if _, ok := statusOf[purse.Code(id)]; !ok {
			t.Errorf("code %s has a message but no HTTP status in statusOf", id)
		}
	}
	cat, err := i18n.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for code := range statusOf {
		for _, lang := range []string{i18n.Chinese, i18n.English} {
			if msg := cat.Message(lang, string(code), nil); msg == string(code) {
				t.Errorf("code %s has no %s message", code, lang)
			}
		}
	}
}

// isCode tells error codes (UPPER_CASE) from other message ids (template.body, page.title).
func isCode(id string) bool {
	for _, r := range id {
		if !(r >= 'A' && r <= 'Z') && r != '_' && !(r >= '0' && r <= '9') {
			return false
		}
	}
	return id != ""
}
