package http_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/api"
	"github.com/purse-wallet/purse/apitest"
)

var update = flag.Bool("update", false, "rewrite api/openapi.json from the served document")

func TestOpenAPIDocumentIsCommitted(t *testing.T) {
	e := apitest.New(t, "sqlite")
	res := e.Call("GET", "/api/openapi.json", nil).Expect(t, 200)
	var doc map[string]any
	res.JSON(t, &doc)
	served, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	served = append(served, '\n')
	if *update {
		_, file, _, _ := runtime.Caller(0)
		path := filepath.Join(filepath.Dir(file), "..", "api", "openapi.json")
		if err := os.WriteFile(path, served, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(served, api.OpenAPI) {
		t.Fatal("api/openapi.json differs from the served document: run `go test ./http -run TestOpenAPIDocumentIsCommitted -update` and commit it")
	}
	// Every API route is described.
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/accounts", "/api/v1/sessions", "/api/v1/sessions/current", "/api/v1/me"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("the document does not describe %s", p)
		}
	}
	for p := range paths {
		if !strings.HasPrefix(p, "/api/") {
			t.Errorf("unexpected path %s", p)
		}
	}
}
