package http_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// openAPIResponses is the part of api/openapi.json this test reads: each route's described
// answers, by method and status, with their media types and schemas.
type openAPIResponses struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					Ref    string `json:"$ref"`
					Format string `json:"format"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Required []string `json:"required"`
		} `json:"schemas"`
	} `json:"components"`
}

var compactJWS = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// answersAsDescribed fails the test unless the committed document describes the answer r of
// GET route: its status, its media type, and a body of the described schema (a problem with the
// schema's required members; a PDF; a compact JWS).
func answersAsDescribed(t *testing.T, doc *openAPIResponses, route string, r *apitest.Response) {
	t.Helper()
	resp, ok := doc.Paths[route]["get"].Responses[strconv.Itoa(r.Status)]
	if !ok {
		t.Errorf("GET %s answered %d, which the document does not describe", route, r.Status)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		t.Errorf("GET %s: content type %q: %v", route, r.Header.Get("Content-Type"), err)
		return
	}
	media, ok := resp.Content[mt]
	if !ok {
		t.Errorf("GET %s answered %d as %s; the document says %v", route, r.Status, mt, keys(resp.Content))
		return
	}
	switch {
	case strings.HasSuffix(media.Schema.Ref, "/Problem"):
		var p map[string]any
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Errorf("GET %s: %d body is no JSON: %v", route, r.Status, err)
		}
		for _, name := range doc.Components.Schemas["Problem"].Required {
			if _, ok := p[name]; !ok {
				t.Errorf("GET %s: the %d problem lacks %q, which its schema requires", route, r.Status, name)
			}
		}
	case mt == "application/pdf":
		if !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
			t.Errorf("GET %s: the PDF starts %.10q", route, r.Body)
		}
	case mt == "application/jose":
		if !compactJWS.Match(r.Body) {
			t.Errorf("GET %s: the body is no compact JWS: %.40q", route, r.Body)
		}
	default:
		t.Errorf("GET %s: no check for %s", route, mt)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDocumentRoutesAnswerAsDescribed (issue 18: a validating proxy found the two certificate
// routes answering other than the OpenAPI document described; the document said base64 text in
// JSON): support's certificate and receipt routes, as JWS and as PDF, answer with a status, a
// media type and a body that api/openapi.json describes, found or not, signed in or not.
func TestDocumentRoutesAnswerAsDescribed(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIResponses
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u, id := ct.CoolingOff(t, e)
		e.Clock.Advance(8 * 24 * time.Hour)
		runTask(t, e, "closure.close_due")
		op := apitest.Auth(e.Operator("agent"))
		const base = "/api/v1/admin/closures/{id}/"
		type call struct {
			doc, route string
			headers    []string
			status     int
		}
		check := func(calls []call) {
			t.Helper()
			for _, c := range calls {
				r := e.Call("GET", strings.ReplaceAll(c.route, "{id}", id), nil, c.headers...).Expect(t, c.status)
				answersAsDescribed(t, &doc, base+c.doc, r)
			}
		}
		check([]call{
			{"certificate", base + "certificate", op, 200},
			{"certificate.pdf", base + "certificate.pdf?lang=en", op, 200},
			{"certificate", base + "certificate", nil, 401},
			{"certificate.pdf", base + "certificate.pdf?lang=fr", op, 422},
			{"certificate", "/api/v1/admin/closures/" + purse.NewID() + "/certificate", op, 404},
			{"receipt", base + "receipt", op, 404}, // before the purge
			{"receipt.pdf", base + "receipt.pdf", op, 404},
		})
		// Thirty days on, the purge erases the account and issues the receipt.
		e.Clock.Advance(30*24*time.Hour + time.Hour)
		runTask(t, e, "purge-personal")
		for range 3 {
			e.RunJobs()
			e.Clock.Advance(time.Minute)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusPurged {
			t.Fatalf("after the retention period: %s", st)
		}
		check([]call{
			{"receipt", base + "receipt", op, 200},
			{"receipt.pdf", base + "receipt.pdf?lang=zh-CN", op, 200},
		})
	})
}
