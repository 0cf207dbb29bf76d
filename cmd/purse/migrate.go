package main

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
)

// MigrateCmd applies pending migrations. serve does the same at start; this is for deployments that
// migrate in a separate step before rolling out new instances.
type MigrateCmd struct {
	StoreFlags
}

// Run migrates and reports.
func (c *MigrateCmd) Run() error {
	store, err := app.OpenStore(context.Background(), c.DB, purse.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Printf("migrations applied (%s)\n", store.Dialect())
	return nil
}
