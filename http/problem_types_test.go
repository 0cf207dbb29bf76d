package http_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/i18n"
)

// TestEveryProblemTypeIsDescribed: each problem's "type" URI answers, in both languages, with a
// description a person can read: no template placeholder left unfilled (Go prints "<no value>"),
// no bare code in place of a sentence (issue 18: 15 of 65 descriptions held "<no value>").
func TestEveryProblemTypeIsDescribed(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	codes := purshttp.ProblemCodes()
	if len(codes) < 60 {
		t.Fatalf("only %d problem codes listed", len(codes))
	}
	for _, code := range codes {
		slug := strings.ToLower(strings.ReplaceAll(string(code), "_", "-"))
		for _, lang := range []string{i18n.Chinese, i18n.English} {
			res := e.Call("GET", "/problems/"+slug, nil, "Accept-Language", lang).Expect(t, 200)
			var doc struct {
				Code, Description string
			}
			if err := json.Unmarshal(res.Body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Code != string(code) {
				t.Errorf("%s: code %q", slug, doc.Code)
			}
			d := doc.Description
			if d == "" || d == string(code) || strings.Contains(d, "<no value>") || strings.Contains(d, "{{") {
				t.Errorf("%s in %s: description %q", code, lang, d)
			}
		}
	}
}
