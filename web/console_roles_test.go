package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// The console shows each role only what the permission matrix lets it do (issue 13): value
// grants (the credit line form), closure decisions (restore, legal hold), the switches, the
// audit verification, four-eyes decisions and operator management. Before this change an agent
// saw the credit line form and the restore form, which the services then refused.
func TestConsoleShowsWhatTheRoleMayDo(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		_, acct, _ := walletUser(t, e, "角色")
		_, closure := ct.CoolingOff(t, e)
		// A request another admin is waiting on.
		e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": acct, "amount": 10_000_000},
			apitest.Auth(e.Operator("admin"))...).Expect(t, 202)
		for _, role := range []purse.Role{purse.RoleAgent, purse.RoleReviewer, purse.RoleAdmin} {
			name := "role-" + string(role)
			newOperator(t, e, name, role)
			c := newClient(t, e)
			consoleSignIn(t, c, name)
			review, admin := role != purse.RoleAgent, role == purse.RoleAdmin
			shows := func(path, marker string, want bool) {
				t.Helper()
				if got := strings.Contains(c.get(path).expect(t, 200).Body, marker); got != want {
					t.Errorf("%s on %s shows %s: %v, want %v", role, path, marker, got, want)
				}
			}
			shows("/admin/accounts/"+acct, `id="open-credit"`, admin)
			shows("/admin/closures/"+closure, `id="restore"`, review)
			shows("/admin/closures/"+closure, `id="hold"`, review)
			shows("/admin/maintenance", `action="/admin/maintenance"`, admin)
			shows("/admin/audit", `action="/admin/audit/verify"`, admin)
			shows("/admin/approvals", `id="approve-`, admin)
			shows("/admin/approvals", `id="threshold"`, admin)
			shows("/admin", `href="/admin/operators"`, admin)
			if p := c.get("/admin/operators"); (p.Status == 200) != admin {
				t.Errorf("%s opens the operators page: %d", role, p.Status)
			}
		}
	})
}

// An admin manages operators from the console (issue 13): a role change and disabling hold at
// once, the disabled operator's open console session is refused on its next page, and the last
// enabled admin cannot disable themselves (LAST_ADMIN, shown on the page).
func TestConsoleManagesOperators(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		newOperator(t, e, "boss1", purse.RoleAdmin)
		newOperator(t, e, "helper1", purse.RoleAgent)
		boss, helper := newClient(t, e), newClient(t, e)
		consoleSignIn(t, boss, "boss1")
		consoleSignIn(t, helper, "helper1")
		var helperID, bossID string
		err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
			h, err := tx.OperatorByUsername(context.Background(), "helper1")
			if err != nil {
				return err
			}
			b, err := tx.OperatorByUsername(context.Background(), "boss1")
			helperID, bossID = h.ID, b.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		page := "/admin/operators"
		boss.get(page).expect(t, 200, `data-username="helper1"`, `id="disable-`+helperID+`"`)
		helper.get(page).expect(t, 403)

		boss.post(page, page+"/"+helperID+"/role", url.Values{"role": {"admin"}}).expect(t, 200, `id="saved"`)
		helper.get(page).expect(t, 200) // promoted: the page opens on the next request
		boss.post(page, page+"/"+helperID+"/role", url.Values{"role": {"agent"}}).expect(t, 200, `id="saved"`)

		helper.get("/admin").expect(t, 200, `id="operator-name">helper1`)
		boss.post(page, page+"/"+helperID+"/disable", nil).expect(t, 200, `id="enable-`+helperID+`"`)
		if p := helper.get("/admin"); strings.Contains(p.Body, `id="operator-name">helper1`) || !strings.Contains(p.Body, `id="op-signin-h"`) {
			t.Fatalf("a disabled operator's console session still works: %d", p.Status)
		}

		boss.post(page, page+"/"+bossID+"/disable", nil).expect(t, 409, "最后一位启用中的管理员")
		boss.post(page, page+"/"+helperID+"/enable", nil).expect(t, 200, `id="disable-`+helperID+`"`)
		consoleSignIn(t, helper, "helper1")
	})
}
