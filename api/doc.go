// Package api holds the committed OpenAPI document of purse's JSON API (openapi.json). A test in
// the http package fails when the served document and this copy differ; regenerate it with
// `go test ./http -run TestOpenAPIDocumentIsCommitted -update`.
package api

import _ "embed"

// OpenAPI is the committed document.
//
//go:embed openapi.json
var OpenAPI []byte
