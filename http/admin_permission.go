package http

import (
	"context"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/operator"
)

// adminPermission names the action of the permission matrix (operator.Matrix, issue 13) each
// admin operation performs. register refuses to start a server with an admin operation missing
// here, and answers ROLE_REQUIRED before the handler runs for a role the matrix does not allow;
// the services check the value and review actions again inside their transactions.
var adminPermission = map[string]operator.Action{
	"admin-search-accounts":         operator.ActRead,
	"admin-get-account":             operator.ActRead,
	"admin-account-readiness":       operator.ActRead,
	"admin-account-services":        operator.ActRead,
	"admin-audit":                   operator.ActRead,
	"admin-appeals":                 operator.ActRead,
	"admin-closures":                operator.ActRead,
	"admin-closure":                 operator.ActRead,
	"admin-closure-certificate":     operator.ActRead,
	"admin-closure-certificate-pdf": operator.ActRead,
	"admin-closure-receipt":         operator.ActRead,
	"admin-closure-receipt-pdf":     operator.ActRead,
	"admin-job-failures":            operator.ActRead,
	"admin-operator-books":          operator.ActRead,
	"admin-outbox":                  operator.ActRead,
	"admin-outbox-requeue":          operator.ActSupport,
	"admin-closure-approve":         operator.ActReview,
	"admin-closure-reject":          operator.ActReview,
	"admin-closure-restore":         operator.ActReview,
	"admin-create-auto-debit":       operator.ActReview,
	"admin-create-contract":         operator.ActReview,
	"admin-terminate-contract":      operator.ActReview,
	"admin-open-dispute":            operator.ActReview,
	"admin-resolve-dispute":         operator.ActReview,
	"admin-create-flag":             operator.ActReview,
	"admin-clear-flag":              operator.ActReview,
	"admin-set-account-kind":        operator.ActReview,
	"admin-lift-certificate":        operator.ActReview,
	"admin-decide-appeal":           operator.ActReview,
	"admin-place-legal-hold":        operator.ActReview,
	"admin-lift-legal-hold":         operator.ActReview,
	"admin-grant-coupon":            operator.ActGrantValue,
	"admin-grant-points":            operator.ActGrantValue,
	"admin-grant-stored":            operator.ActGrantValue,
	"admin-open-credit-line":        operator.ActGrantValue,
	"admin-settle-withdrawal":       operator.ActSettle,
	"admin-approvals":               operator.ActRead,
	"admin-approve":                 operator.ActApprove,
	"admin-reject-approval":         operator.ActApprove,
	"admin-four-eyes":               operator.ActRead,
	"admin-set-four-eyes":           operator.ActSettings,
	"admin-create-operator":         operator.ActManageOperators,
	"admin-operators":               operator.ActManageOperators,
	"admin-set-operator-role":       operator.ActManageOperators,
	"admin-disable-operator":        operator.ActManageOperators,
	"admin-enable-operator":         operator.ActManageOperators,
	"admin-set-platform":            operator.ActSettings,
	"admin-audit-verify":            operator.ActSettings,
	"admin-records-identity":        operator.ActRecordsIdentity,
}

// AdminPermission is the action of an admin operation, for tests that walk the matrix.
func AdminPermission(operationID string) (operator.Action, bool) {
	a, ok := adminPermission[operationID]
	return a, ok
}

// guardAdmin adds the matrix's check to an admin operation and names its action in the OpenAPI
// document (x-permission). A route under /api/v1/admin/ without an action is a programming error.
func guardAdmin[I, O any](s *Server, op *huma.Operation, h func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	if !strings.HasPrefix(op.Path, "/api/v1/admin/") {
		return h
	}
	a, ok := adminPermission[op.OperationID]
	if !ok {
		panic("http: admin operation " + op.OperationID + " has no permission in adminPermission")
	}
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions["x-permission"] = string(a)
	s.adminRoutes = append(s.adminRoutes, adminRoute{method: op.Method, segments: strings.Split(op.Path, "/"), action: a})
	return func(ctx context.Context, in *I) (*O, error) {
		st := stateOf(ctx)
		if st == nil || st.operator == nil {
			return nil, purse.Errorf(purse.CodeOperatorUnauthenticated, "no operator")
		}
		if err := operator.Require(st.operator.Role, a); err != nil {
			return nil, err
		}
		return h(ctx, in)
	}
}

// adminRoute is an admin operation's method, path pattern and action, for the check made before
// the request's body is read and validated: a role the matrix does not allow learns nothing, not
// even which fields the route wants.
type adminRoute struct {
	method   string
	segments []string // "{id}" matches any one segment
	action   operator.Action
}

// adminAction is the action of the admin route a request is for, false when none matches.
func (s *Server) adminAction(method, path string) (operator.Action, bool) {
	segs := strings.Split(path, "/")
next:
	for _, rt := range s.adminRoutes {
		if rt.method != method || len(rt.segments) != len(segs) {
			continue
		}
		for i, p := range rt.segments {
			if p != segs[i] && !strings.HasPrefix(p, "{") {
				continue next
			}
		}
		return rt.action, true
	}
	return "", false
}
