package i18n

import (
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestClosureCatalogsMatch: the closure catalogs have the same keys, nested ones included, in
// Chinese and English.
func TestClosureCatalogsMatch(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"closure", "closure_notify"} {
		var keys [2][]string
		for i, lang := range []string{Chinese, English} {
			raw, err := locales.ReadFile("locales/" + base + "." + lang + ".toml")
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := toml.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			keys[i] = flatten("", m)
			slices.Sort(keys[i])
		}
		if !slices.Equal(keys[0], keys[1]) {
			t.Fatalf("%s: zh-CN %v\nen %v", base, keys[0], keys[1])
		}
	}
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Message(English, "closure_otp.body", map[string]any{"Code": "123456", "Minutes": "5"}); got == "closure_otp.body" || !contains(got, "123456") {
		t.Fatalf("template not found or not filled: %q", got)
	}
	if got := c.Message(Chinese, "closure.rights.linked", map[string]any{"Platform": "taobao", "ExternalID": "x"}); !contains(got, "taobao") {
		t.Fatalf("nested message: %q", got)
	}
}

func flatten(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			out = append(out, flatten(prefix+k+".", sub)...)
			continue
		}
		out = append(out, prefix+k)
	}
	return out
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
