package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/operator"
	"github.com/purse-wallet/purse/secret"
)

// AdminCmd groups operator helpers.
type AdminCmd struct {
	CreateOperator CreateOperatorCmd `cmd:"" help:"Create a customer-service operator and print its API token."`
}

// CreateOperatorCmd creates an operator. The password comes from PURSE_OPERATOR_PASSWORD or the
// first line of standard input: secrets never travel in flags, which other users can read in ps.
type CreateOperatorCmd struct {
	StoreFlags
	Username string `required:"" help:"Login name (a-z, 0-9, . _ -)."`
	Role     string `default:"agent" enum:"agent,reviewer,admin" help:"agent reads, reviewer decides closures, admin configures."`
}

// Run creates the operator.
func (c *CreateOperatorCmd) Run() error {
	if err := c.existing(); err != nil {
		return err
	}
	password := os.Getenv("PURSE_OPERATOR_PASSWORD")
	if password == "" {
		fmt.Fprint(os.Stderr, "password (at least 12 characters): ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password: set PURSE_OPERATOR_PASSWORD or type it on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	ctx := context.Background()
	store, err := app.OpenStore(ctx, c.DB, purse.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	svc := &operator.Service{Store: store, Hasher: secret.NewHasher(secret.DefaultParams, runtime.GOMAXPROCS(0))}
	o, token, err := svc.Create(ctx, c.Username, purse.Role(c.Role), password)
	if err != nil {
		return err
	}
	fmt.Printf("operator %s (%s) created\ntoken: %s\n", o.Username, o.Role, token)
	return nil
}
