// Package i18n holds purse's messages in Chinese (zh-CN, the default) and English, and picks the
// caller's language from Accept-Language.
//
// Messages live in TOML files under locales/, one file per domain and language
// (errors.zh-CN.toml, errors.en.toml, …), keyed by error code or message id. A test checks that
// every key exists in both languages.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Languages purse speaks, the default first.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Catalog is the loaded message bundle.
type Catalog struct {
	bundle   *goi18n.Bundle
	loc      *time.Location
	products map[string]map[string]any // by language: Points, Fund, Credit, Stored
}

// New loads the embedded catalogs. Times in messages are shown in loc (the operator's zone,
// Asia/Shanghai by default).
func New(loc *time.Location) (*Catalog, error) {
	b := goi18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(locales, f); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	c := &Catalog{bundle: b, loc: loc}
	c.SetProducts(nil)
	return c, nil
}

// Match picks a supported language from an Accept-Language header or a stored preference. Every
// Chinese variant (zh, zh-CN, zh-Hans, zh-TW, zh-HK) gets zh-CN: purse has one Chinese catalog, and
// for a Traditional-script reader it is closer than English. Anything else that is not English
// gets the default, Chinese.
func Match(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return Chinese
	}
	for _, t := range tags {
		base, _ := t.Base()
		switch base.String() {
		case "zh":
			return Chinese
		case "en":
			return English
		}
	}
	return Chinese
}

// Message returns the message id in lang with params filled in. Times in params are formatted
// for the reader; an unknown id returns the id itself so that a missing message is visible, not
// fatal.
func (c *Catalog) Message(lang, id string, params map[string]any) string {
	data := make(map[string]any, len(params)+4)
	for k, v := range c.productNames(lang) {
		data[k] = v
	}
	for k, v := range params {
		data[k] = c.format(lang, v)
	}
	l := goi18n.NewLocalizer(c.bundle, lang)
	msg, err := l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || msg == "" {
		return id
	}
	return msg
}

// Has reports whether id has a message in lang.
func (c *Catalog) Has(lang, id string) bool {
	l := goi18n.NewLocalizer(c.bundle, lang)
	_, tag, err := l.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil && strings.HasPrefix(tag.String(), strings.Split(lang, "-")[0])
}

// IDs lists every message id of the catalog file prefix in lang, for completeness tests.
func IDs(lang string) ([]string, error) {
	files, err := fs.Glob(locales, "locales/*."+lang+".toml")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, f := range files {
		raw, err := locales.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := toml.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k := range m {
			ids = append(ids, k)
		}
	}
	return ids, nil
}

func (c *Catalog) format(lang string, v any) any {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return c.FormatTime(lang, t)
	case time.Duration:
		return FormatDuration(lang, t)
	}
	return v
}

// FormatTime shows a time in the operator's zone: "2026年3月2日 17:00" or "2 Mar 2026 17:00 CST".
func (c *Catalog) FormatTime(lang string, t time.Time) string {
	t = t.In(c.loc)
	if lang == English {
		return t.Format("2 Jan 2006 15:04 MST")
	}
	return t.Format("2006年1月2日 15:04")
}

// FormatDuration shows a wait the way people say it, rounded up: minutes below two hours
// ("15 分钟", "15 minutes"), hours below two days ("15 小时"), days beyond.
func FormatDuration(lang string, d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	n, zh, en := m, "分钟", "minute"
	switch {
	case m >= 48*60:
		n, zh, en = (m+24*60-1)/(24*60), "天", "day"
	case m >= 120:
		n, zh, en = (m+59)/60, "小时", "hour"
	}
	if lang == English {
		if n == 1 {
			return "1 " + en
		}
		return fmt.Sprintf("%d %ss", n, en)
	}
	return fmt.Sprintf("%d %s", n, zh)
}
