package http

import (
	"time"

	"github.com/purse-wallet/purse"
)

// parseTime reads an optional RFC 3339 query value.
func parseTime(v, field string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "bad time",
			Fields: []purse.FieldError{{Field: field, Code: purse.CodeInvalidRequest}}}
	}
	return t.UTC(), nil
}
