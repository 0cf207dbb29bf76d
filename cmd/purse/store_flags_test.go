package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A maintenance command pointed at no database says so, and makes none (issue 18: audit verify
// without --db answered "OK: 0 events" on a fresh ./purse.db).
func TestCommandsRefuseAMissingDatabase(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "purse.db")
	for name, run := range map[string]func() error{
		"audit verify":    (&AuditVerifyCmd{StoreFlags: StoreFlags{DB: db}}).Run,
		"create-operator": (&CreateOperatorCmd{StoreFlags: StoreFlags{DB: db}, Username: "x", Role: "agent"}).Run,
	} {
		err := run()
		if err == nil || !strings.Contains(err.Error(), "--db") {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("%s made %s", name, db)
		}
	}
}
