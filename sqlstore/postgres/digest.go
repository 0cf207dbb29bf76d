package postgres

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// MigrationsDigest names this build's schema: a hash of every embedded migration's name and text.
// Two builds with the same digest migrate a database to the same tables, so the tests clone their
// stores from one database migrated once per digest (storetest) instead of migrating each.
func MigrationsDigest() string {
	h := sha256.New()
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, name := range names { // fs.Glob returns them sorted
		text, _ := fs.ReadFile(migrations, name)
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(text)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
