package http_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/operator"
)

// TestAdminRoutesFollowTheMatrix walks every admin route the router serves (read from the served
// OpenAPI document, so a new route cannot escape) × unauthenticated, an end user's session and
// every operator role, on both stores (issue 13): without an operator token 401; a role the
// permission matrix does not allow → 403 ROLE_REQUIRED; a role it allows is never refused for its
// role (its answer is the route's own: 200, 404 for the made-up id, 422 for the empty body…),
// and nothing answers 5xx.
func TestAdminRoutesFollowTheMatrix(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		var doc struct {
			Paths map[string]map[string]struct {
				OperationID string `json:"operationId"`
			}
		}
		if err := json.Unmarshal(e.Call("GET", "/api/openapi.json", nil).Expect(t, 200).Body, &doc); err != nil {
			t.Fatal(err)
		}
		type route struct{ method, path, id string }
		var routes []route
		for p, ops := range doc.Paths {
			if !strings.HasPrefix(p, "/api/v1/admin/") {
				continue
			}
			for m, o := range ops {
				routes = append(routes, route{strings.ToUpper(m), p, o.OperationID})
			}
		}
		sort.Slice(routes, func(i, j int) bool { return routes[i].path+routes[i].method < routes[j].path+routes[j].method })
		if len(routes) < 30 {
			t.Fatalf("only %d admin routes served", len(routes))
		}
		user := e.SignUp("")
		tokens := map[purse.Role]string{}
		for _, r := range []purse.Role{purse.RoleAgent, purse.RoleReviewer, purse.RoleAdmin} {
			tokens[r] = e.Operator(string(r))
		}
		for _, rt := range routes {
			action, ok := purshttp.AdminPermission(rt.id)
			if !ok {
				t.Fatalf("%s %s (%s) has no permission", rt.method, rt.path, rt.id)
			}
			path := strings.NewReplacer("{id}", purse.NewID(), "{item}", purse.NewID(), "{name}", "taobao").Replace(rt.path)
			var body any
			if rt.method == "POST" || rt.method == "PUT" {
				body = map[string]any{}
			}
			if res := e.Call(rt.method, path, body); res.Status != 401 {
				t.Errorf("%s %s without a token: %d", rt.method, rt.path, res.Status)
			}
			if res := e.Call(rt.method, path, body, user.Header()...); res.Status != 401 {
				t.Errorf("%s %s with a user's session: %d", rt.method, rt.path, res.Status)
			}
			for role, tok := range tokens {
				res := e.Call(rt.method, path, body, apitest.Auth(tok)...)
				allowed := operator.Can(role, action)
				switch {
				case res.Status >= 500:
					t.Errorf("%s %s as %s: %d %s", rt.method, rt.path, role, res.Status, res.Body)
				case !allowed && (res.Status != 403 || res.Problem(t).Code != "ROLE_REQUIRED"):
					t.Errorf("%s %s (%s) as %s: %d, want 403 ROLE_REQUIRED", rt.method, rt.path, action, role, res.Status)
				case allowed && (res.Status == 401 || res.Status == 403):
					t.Errorf("%s %s (%s) as %s: refused %d %s", rt.method, rt.path, action, role, res.Status, res.Body)
				}
			}
		}
	})
}

// TestAgentCannotCreateOrReleaseValue reproduces issue 13: an operator with the lowest role
// (agent) granted 10^12 points, which converted into 10,000,000,000.00 CNY, opened a credit line of
// that size, and could grant stored value and settle withdrawals. Each is refused now, through the
// API and inside the wallet service itself, for agents and reviewers alike; an admin may.
func TestAgentCannotCreateOrReleaseValue(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		u := e.SignUp("")
		topup(t, e, u, bindCard(t, e, u), 5000)
		w := withdraw(t, e, u, bindCard(t, e, u), 5000)
		huge := int64(1_000_000_000_000)
		for _, role := range []string{"agent", "reviewer"} {
			op := apitest.Auth(e.Operator(role))
			e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": huge}, op...).
				ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("POST", "/api/v1/admin/stored/grants", map[string]any{"account_id": u.ID, "amount": huge}, op...).
				ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("POST", "/api/v1/admin/credit-lines", map[string]any{"account_id": u.ID, "limit": huge}, op...).
				ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("POST", "/api/v1/admin/withdrawals/"+w.ID+"/settle", nil, op...).ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/coupons", map[string]any{"title": "gift", "amount": huge,
				"expires_at": "2099-01-01T00:00:00Z"}, op...).ExpectProblem(t, 403, "ROLE_REQUIRED")

			// Inside the services, whoever calls them.
			o, _, err := e.App.Operators.Create(ctx, "svc-"+role+"-"+e.Dialect, purse.Role(role), "operator password 1")
			if err != nil {
				t.Fatal(err)
			}
			actor := "operator:" + o.ID
			if _, err := e.App.Wallet.Grant(ctx, actor, u.ID, purse.BookPoints, huge, ""); purse.ErrorCode(err) != purse.CodeRoleRequired {
				t.Fatalf("%s granted points in the service: %v", role, err)
			}
			if _, err := e.App.Wallet.OpenCreditLine(ctx, actor, u.ID, huge); purse.ErrorCode(err) != purse.CodeRoleRequired {
				t.Fatalf("%s opened a credit line in the service: %v", role, err)
			}
			if _, err := e.App.Wallet.SettleWithdrawal(ctx, actor, w.ID); purse.ErrorCode(err) != purse.CodeRoleRequired {
				t.Fatalf("%s settled a withdrawal in the service: %v", role, err)
			}
			if _, err := e.App.Wallet.Grant(ctx, "account:"+u.ID, u.ID, purse.BookStored, huge, ""); purse.ErrorCode(err) != purse.CodeRoleRequired {
				t.Fatalf("a user granted stored value in the service: %v", err)
			}
		}
		if b := books(t, e, u); b["points/POINTS"] != 0 || b["stored/STORED"] != 0 || b["credit/CNY"] != 0 {
			t.Fatalf("value created: %v", b)
		}
		admin := apitest.Auth(e.Operator("admin"))
		e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 500}, admin...).Expect(t, 201)
		e.Call("POST", "/api/v1/admin/withdrawals/"+w.ID+"/settle", nil, admin...).Expect(t, 200)
	})
}
