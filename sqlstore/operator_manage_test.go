package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// Operator management's queries (issue 13) behave alike on both stores: the list shows disabled
// operators too, a disabled operator is found neither by id, name nor token, enabling brings
// them back, and the enabled admins are exactly those not disabled.
func TestOperatorManagementQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		admin := &purse.Operator{ID: purse.NewID(), Username: "boss", Role: purse.RoleAdmin, PasswordHash: "x", CreatedAt: clk.Now()}
		agent := &purse.Operator{ID: purse.NewID(), Username: "helper", Role: purse.RoleAgent, PasswordHash: "x", CreatedAt: clk.Now()}
		tok := &purse.OperatorToken{TokenHash: "h-helper", OperatorID: agent.ID, CreatedAt: clk.Now(), ExpiresAt: clk.Now().Add(time.Hour)}
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			for _, o := range []*purse.Operator{admin, agent} {
				if err := tx.InsertOperator(ctx, o); err != nil {
					return err
				}
			}
			return tx.InsertOperatorToken(ctx, tok)
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			o, err := tx.OperatorForUpdate(ctx, agent.ID)
			if err != nil {
				return err
			}
			o.Role, o.DisabledAt = purse.RoleAdmin, clk.Now()
			return tx.UpdateOperator(ctx, o)
		}))
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			if _, err := tx.OperatorByID(ctx, agent.ID); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("disabled by id: %v", err)
			}
			if _, err := tx.OperatorByUsername(ctx, "helper"); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("disabled by name: %v", err)
			}
			if _, err := tx.OperatorByToken(ctx, "h-helper", clk.Now()); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("disabled by token: %v", err)
			}
			list, err := tx.Operators(ctx)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].Username != "boss" || list[1].Role != purse.RoleAdmin || !list[1].DisabledAt.Equal(clk.Now()) {
				t.Errorf("operators = %+v %+v", list[0], list[1])
			}
			return nil
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			admins, err := tx.EnabledAdminsForUpdate(ctx)
			if err != nil {
				return err
			}
			if len(admins) != 1 || admins[0] != admin.ID {
				t.Errorf("enabled admins = %v", admins)
			}
			o, err := tx.OperatorForUpdate(ctx, agent.ID)
			if err != nil {
				return err
			}
			o.DisabledAt = time.Time{}
			return tx.UpdateOperator(ctx, o)
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			if o, err := tx.OperatorByToken(ctx, "h-helper", clk.Now()); err != nil || o.Role != purse.RoleAdmin {
				t.Errorf("enabled again by token: %+v %v", o, err)
			}
			admins, err := tx.EnabledAdminsForUpdate(ctx)
			if err == nil && len(admins) != 2 {
				t.Errorf("enabled admins after enabling = %v", admins)
			}
			return err
		}))
		if _, err := func() (*purse.Operator, error) {
			var o *purse.Operator
			err := db.Tx(ctx, func(tx purse.Tx) (err error) { o, err = tx.OperatorForUpdate(ctx, purse.NewID()); return err })
			return o, err
		}(); !errors.Is(err, purse.ErrNotFound) {
			t.Errorf("unknown operator: %v", err)
		}
	})
}
