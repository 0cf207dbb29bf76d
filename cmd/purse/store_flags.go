package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// existing refuses a SQLite file that is not there. Opening one creates it, so a maintenance
// command run without --db in the wrong folder would work on a new, empty ./purse.db and report
// success ("OK: 0 events", an operator nobody's server knows) instead of saying it found nothing
// (issue 18). Only serve and migrate make a new database.
func (f StoreFlags) existing() error {
	if strings.HasPrefix(f.DB, "postgres://") || strings.HasPrefix(f.DB, "postgresql://") {
		return nil
	}
	if _, err := os.Stat(f.DB); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s: name the server's database with --db or PURSE_DB (a SQLite file, or a postgres:// URL)", f.DB)
	}
	return nil
}
