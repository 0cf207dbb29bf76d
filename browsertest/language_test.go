package browsertest

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/chromedp/chromedp"
)

// rawID matches a message id shown where its text should be, the catalog's answer to an id it
// lacks: web_closure_title, wc_verify_h, closure.rights.title, OTP_INVALID.
var rawID = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+(?:\.[a-z_]+){2,}\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`)

// pageText is what inLanguage reads of a page.
type pageText struct {
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Body  string `json:"body"`
	Main  string `json:"main"`
}

// inLanguage fails the test unless the page is in lang: its html lang says so, no message id
// stands in for a text anywhere on it, and an English page has no Chinese character in its main
// content (the language switch above it names 中文 on purpose; the names typed in English walks
// are ASCII).
func inLanguage(b *Browser, lang string) {
	b.T.Helper()
	// Text marked translate="no" (a name, a memo, a reference code for support) is not the page's
	// own words: it is left out of every check.
	p := value(b, "read the page", chromedp.Evaluate[pageText](`(() => {
		const own = el => {
			const m = el.cloneNode(true);
			m.querySelectorAll("[translate=no]").forEach(e => e.remove());
			const box = document.createElement("div");
			box.hidden = false; box.appendChild(m); document.body.appendChild(box);
			const t = m.innerText; box.remove(); return t;
		};
		return {lang: document.documentElement.lang, title: document.title,
			body: own(document.body), main: own(document.querySelector("main"))};
	})()`))
	fail := func(format string, args ...any) {
		b.T.Helper()
		b.Shot("not-" + lang)
		b.T.Fatalf("%s: "+format, append([]any{b.Path()}, args...)...)
	}
	if p.Lang != lang {
		fail("html lang %q, want %q", p.Lang, lang)
	}
	if id := rawID.FindString(p.Title + "\n" + p.Body); id != "" {
		fail("shows the message id %q instead of its text", id)
	}
	// Go's template prints <no value> for a missing field; a placeholder says a page is not done.
	for _, bad := range placeholders {
		if i := strings.Index(strings.ToLower(p.Title+"\n"+p.Body), strings.ToLower(bad)); i >= 0 {
			fail("shows %q: %q", bad, excerpt(p.Title+"\n"+p.Body, i))
		}
	}
	// A person's own name is theirs, not the page's language: the pages mark it translate="no"
	// (a Chinese holder's name stays Chinese on an English page), and the check leaves it out.
	if lang == "en" {
		if i := strings.IndexFunc(p.Main, func(r rune) bool { return unicode.Is(unicode.Han, r) }); i >= 0 {
			fail("Chinese on an English page: %q", excerpt(p.Main, i))
		}
		return
	}
	if w := englishWord(p.Main); w != "" {
		fail("English on a Chinese page: %q", w)
	}
}

// placeholders are what no finished page shows (issue 18: "此功能的页面即将上线", <no value>).
var placeholders = []string{"<no value>", "即将上线", "coming soon", "TODO", "lorem ipsum", "%!"}

// latinWord is a run of Latin letters and digits: a word when it holds letters only (an id or a
// code holds digits); mailAndPath are e-mail addresses, web
// addresses and paths, which are not words of a language.
var (
	latinWord   = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9'’-]*`)
	onlyLetters = regexp.MustCompile(`^[A-Za-z][A-Za-z'’-]{2,}$`)
	mailAndPath = regexp.MustCompile(`\S+@\S+|https?://\S+|/[a-z0-9/._{}?=&-]+`)
)

// latinTerms are the Latin-letter words a Chinese page uses as they are.
var latinTerms = map[string]bool{"PDF": true, "CSV": true, "JSON": true, "JWS": true, "ZIP": true, "SMS": true,
	"App": true, "APP": true, "Wi-Fi": true, "CNY": true, "PTS": true, "STV": true, "TOTP": true, "URL": true,
	"ICP": true, "HTTP": true, "API": true, "SHA": true,
	// Brands are names: the authenticator apps the security page suggests.
	"Google": true, "Microsoft": true, "Authenticator": true, "FreeOTP": true}

// englishWord returns the first English word of a Chinese page's text, or "".
func englishWord(text string) string {
	text = mailAndPath.ReplaceAllString(text, " ")
	for _, w := range latinWord.FindAllString(text, -1) {
		if onlyLetters.MatchString(w) && !latinTerms[w] {
			return w
		}
	}
	return ""
}

// excerpt is the text around byte i, for a failure message.
func excerpt(s string, i int) string {
	from, to := max(0, i-30), min(len(s), i+30)
	return strings.ToValidUTF8(s[from:to], "")
}

// speak sets the pages' language the way a user does, with the switch on the sign-in page; the
// browser itself asks for Chinese.
func speak(b *Browser, lang string) {
	b.T.Helper()
	b.Open("/signin")
	if value(b, "page language", chromedp.Evaluate[string](`document.documentElement.lang`)) != lang {
		b.Click("form.lang button")
	}
	inLanguage(b, lang)
}
