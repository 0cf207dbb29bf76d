package business_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/closuretest"
)

// bundle is what the package's tests need: the business service of a fresh server (whose accounts
// service signs users up), with its store, clock and outbox, on one store.
type bundle struct {
	*apitest.Env
	svc *business.Service
	ctx context.Context
}

// setup runs fn with a fresh bundle on each store, SQLite and PostgreSQL.
func setup(t *testing.T, fn func(t *testing.T, b *bundle)) {
	t.Helper()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		fn(t, &bundle{Env: e, svc: e.App.Business, ctx: context.Background()})
	})
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// code reads the newest code of the template sent to the phone, as its holder reads the SMS.
func (b *bundle) code(t *testing.T, phone, template string) string {
	t.Helper()
	for _, m := range closuretest.Messages(t, b.Env, phone) {
		if m.Template == template {
			if g := sixDigits.FindStringSubmatch(m.Body); g != nil {
				return g[1]
			}
		}
	}
	t.Fatalf("no %s code sent to %s", template, phone)
	return ""
}

// sent counts the messages of the template sent to the phone.
func (b *bundle) sent(t *testing.T, phone, template string) int {
	t.Helper()
	n := 0
	for _, m := range closuretest.Messages(t, b.Env, phone) {
		if m.Template == template {
			n++
		}
	}
	return n
}
