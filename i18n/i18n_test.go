package i18n_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/i18n"
)

func TestEveryMessageExistsInBothLanguages(t *testing.T) {
	zh, err := i18n.IDs(i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	en, err := i18n.IDs(i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	if len(zh) == 0 {
		t.Fatal("no messages loaded")
	}
	missing := func(a, b []string) []string {
		have := map[string]bool{}
		for _, id := range b {
			have[id] = true
		}
		var out []string
		for _, id := range a {
			if !have[id] {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	if m := missing(zh, en); len(m) > 0 {
		t.Errorf("in zh-CN but not in en: %v", m)
	}
	if m := missing(en, zh); len(m) > 0 {
		t.Errorf("in en but not in zh-CN: %v", m)
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]string{
		"": "zh-CN", "zh-CN": "zh-CN", "zh-Hans-CN": "zh-CN", "zh-TW": "zh-CN", "en-US,en;q=0.9": "en",
		"fr-FR, en;q=0.5": "en", "de": "zh-CN", "en;q=0.1, zh;q=0.9": "zh-CN", "garbage;;;": "zh-CN",
	} {
		if got := i18n.Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestTimesAreShownInTheOperatorsZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	c, err := i18n.New(shanghai)
	if err != nil {
		t.Fatal(err)
	}
	until := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	if got := c.Message("zh-CN", "LOGIN_LOCKED", map[string]any{"Until": until}); got != "密码错误次数过多，登录已锁定，请于 2026年3月2日 17:15 后再试。" {
		t.Errorf("zh-CN: %s", got)
	}
	if got := c.Message("en", "LOGIN_LOCKED", map[string]any{"Until": until}); got != "Too many wrong passwords: sign-in is locked until 2 Mar 2026 17:15 CST." {
		t.Errorf("en: %s", got)
	}
}

func TestDurationsReadNaturally(t *testing.T) {
	for d, want := range map[time.Duration][2]string{
		30 * time.Second:           {"1 分钟", "1 minute"},
		15 * time.Minute:           {"15 分钟", "15 minutes"},
		119 * time.Minute:          {"119 分钟", "119 minutes"},
		15 * time.Hour:             {"15 小时", "15 hours"},
		3*time.Hour + time.Minute:  {"4 小时", "4 hours"},
		72 * time.Hour:             {"3 天", "3 days"},
		7*24*time.Hour + time.Hour: {"8 天", "8 days"},
	} {
		if zh, en := i18n.FormatDuration("zh-CN", d), i18n.FormatDuration("en", d); zh != want[0] || en != want[1] {
			t.Errorf("%v: %q %q, want %q", d, zh, en, want)
		}
	}
}

func TestInsufficientFundsNamesTheBook(t *testing.T) {
	c, err := i18n.New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for book, want := range map[string]string{"balance": "余额不足，", "points": "积分不足，", "fund": "货币基金不足，", "余额": "余额不足，"} {
		if got := c.Message("zh-CN", "INSUFFICIENT_FUNDS", map[string]any{"Book": book}); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q", book, got)
		}
	}
	// The operator's own product names, from its policy (issue 18: Alipay's names showed under
	// every preset).
	c.SetProducts(i18n.Products{i18n.Chinese: {Fund: "余额宝"}})
	if got := c.Message("zh-CN", "INSUFFICIENT_FUNDS", map[string]any{"Book": "fund"}); !strings.HasPrefix(got, "余额宝不足，") {
		t.Errorf("branded: %q", got)
	}
	if got := c.Message("zh-CN", "INSUFFICIENT_FUNDS", map[string]any{"Book": "stored"}); !strings.HasPrefix(got, "储值余额不足，") {
		t.Errorf("a name left out keeps the generic one: %q", got)
	}
	if got := c.Message("en", "INSUFFICIENT_FUNDS", map[string]any{"Book": "points"}); !strings.HasPrefix(got, "Not enough points for this") {
		t.Errorf("en: %q", got)
	}
}
