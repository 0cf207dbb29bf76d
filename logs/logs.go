// Package logs builds purse's structured logger. It redacts personal data and secrets by attribute
// name, as a second line of defence: the code logs ids, never phones, e-mails, codes or tokens.
package logs

import (
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// sensitive names attributes whose values never reach a log.
var sensitive = map[string]bool{
	"phone": true, "email": true, "password": true, "payment_password": true, "code": false,
	"otp": true, "token": true, "authorization": true, "cookie": true, "name": true, "card_number": true,
	"secret": true, "answer": true, "login": true, "body": true,
}

// Patterns that look like a mainland mobile number, an e-mail address or a bearer token, masked
// wherever they appear in a logged string (an error message that quotes its input, say).
var (
	phonePattern = regexp.MustCompile(`\b1[3-9]\d{9}\b|\+\d{7,15}`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	tokenPattern = regexp.MustCompile(`\b(pst|pot|pcl|pel)_[A-Za-z0-9_-]{20,}`)
)

// New returns a logger writing JSON (format "json") or text ("text") to w.
func New(format string, w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redact}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func redact(_ []string, a slog.Attr) slog.Attr {
	if sensitive[strings.ToLower(a.Key)] {
		return slog.String(a.Key, "[redacted]")
	}
	if a.Value.Kind() == slog.KindString {
		return slog.String(a.Key, Scrub(a.Value.String()))
	}
	return a
}

// Scrub masks phone numbers, e-mail addresses and tokens inside free text. Every logged string
// passes here (each request's access log line holds several), so a pattern runs only on text that
// has the one character or digit run it cannot match without: most strings pass untouched and
// unallocated.
func Scrub(s string) string {
	if strings.IndexByte(s, '_') >= 0 {
		s = tokenPattern.ReplaceAllString(s, "[token]")
	}
	if strings.IndexByte(s, '@') >= 0 {
		s = emailPattern.ReplaceAllString(s, "[email]")
	}
	if digitRun(s, 7) {
		s = phonePattern.ReplaceAllString(s, "[phone]")
	}
	return s
}

// digitRun reports whether s holds n ASCII digits in a row (a phone number holds at least seven).
func digitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
