package purse

import "github.com/google/uuid"

// NewID returns a new UUIDv7 as text. Version 7 keeps new rows near each other in indexes and lets
// a distributed PostgreSQL-compatible engine spread them without a hot sequence.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s is a well-formed UUID, so that a malformed path parameter is a 404
// without a database round trip.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
