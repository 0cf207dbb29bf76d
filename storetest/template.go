package storetest

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore/postgres"
)

// A PostgreSQL test store is a database cloned from one migrated once per migration set, not a
// schema migrated for each test: since migration 00350 a schema is some 200 tables, partitions and
// indexes, and migrating one took 1–3 s of a test's time on the shared 2-core machine, against
// 0.1–0.4 s for CREATE DATABASE … TEMPLATE (and a clone leaves no dead catalog rows in the test
// database, whose autovacuum is off). Migrations still run from empty once per migration set
// (building the template), at every SQLite store, and wherever a test uses PostgresDatabase.

// template is the migrated database this process clones, once found or built.
var template struct {
	sync.Mutex
	name string
}

// templateLock is the advisory lock (on the test database) that keeps two test binaries, which
// go test runs in parallel, from building the same template at once.
const templateLock = `hashtext('purse storetest template')`

// migratedTemplate returns the name of a database on the server at base holding this build's
// migrated schema, building it on first use. Its name carries postgres.MigrationsDigest, so a
// build with other migrations gets a template of its own and none is ever changed once built.
func migratedTemplate(t testing.TB, base string) string {
	t.Helper()
	template.Lock()
	defer template.Unlock()
	if template.name != "" {
		return template.name
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatalf("storetest: connect to %s: %v", base, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+templateLock+`)`); err != nil {
		t.Fatalf("storetest: lock the template: %v", err)
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(`+templateLock+`)`)
	name := "purse_tmpl_" + postgres.MigrationsDigest()[:16]
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		if err := buildTemplate(ctx, conn, base, name); err != nil {
			t.Fatalf("storetest: build the template database %s: %v", name, err)
		}
	}
	template.name = name
	return name
}

// buildTemplate migrates a database under a building name and renames it to name when done, so
// that a template that exists is complete: a test binary killed mid-build leaves only the
// building one, which the next build drops (it holds the lock, so no one else is building).
func buildTemplate(ctx context.Context, conn *sql.Conn, base, name string) error {
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return err
	}
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	u.Path = "/" + building
	db, err := postgres.Open(ctx, u.String(), clock.NewFixed(Epoch))
	if err != nil {
		return err
	}
	db.Close()
	// The migrating connections' backends end just after Close returns: until then the database
	// is in use and can be neither renamed nor cloned.
	return whileInUse(func() error {
		_, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name)
		return err
	})
}

// whileInUse runs fn again while it fails because another session is connected to the database
// it names (55006 object_in_use), for up to ten seconds.
func whileInUse(fn func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		var pg *pgconn.PgError
		if err == nil || !errors.As(err, &pg) || pg.Code != "55006" || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
