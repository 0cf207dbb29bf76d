package purse

import "unicode"

// CodeTextControl: a name or free-text field holds a control character or a line break (issue
// 14). Such text breaks the one-line places it is shown in (an SMS, a CSV row, a log line, a
// statement) and can forge lines there, and bidirectional overrides disguise what a reader sees.
const CodeTextControl Code = "TEXT_CONTROL_CHARACTERS"

// CheckText is the one rule for names, memos, reasons, titles, notes and every other free text a
// person types into the API or a web form: it refuses control characters (C0, DEL, C1, which take
// in line feed, carriage return, tab and NEL), the Unicode line and paragraph separators and the
// bidirectional embedding, override and isolate controls. Letters of every script, emoji and
// their joiners pass. Errors: TEXT_CONTROL_CHARACTERS naming field.
func CheckText(field, s string) error {
	for _, r := range s {
		if refusedInText(r) {
			return &Error{Code: CodeTextControl, Detail: field + " holds a control character or a line break",
				Fields: []FieldError{{Field: field, Code: CodeTextControl}}}
		}
	}
	return nil
}

// CheckTexts applies CheckText to field, value pairs and returns one error naming every field
// that fails, or nil.
func CheckTexts(pairs ...string) error {
	var bad *Error
	for i := 0; i+1 < len(pairs); i += 2 {
		err := CheckText(pairs[i], pairs[i+1])
		if err == nil {
			continue
		}
		if bad == nil {
			bad = err.(*Error)
			continue
		}
		bad.Fields = append(bad.Fields, err.(*Error).Fields...)
	}
	if bad == nil {
		return nil
	}
	return bad
}

func refusedInText(r rune) bool {
	switch {
	case unicode.IsControl(r): // U+0000–U+001F, U+007F–U+009F
		return true
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069': // bidi embeddings, overrides, isolates
		return true
	}
	return false
}
