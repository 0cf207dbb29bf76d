package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type recordsIdentityInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500" doc:"Why: the authority's request or case reference; audited with the read."`
	}
}

type recordsIdentityOutput struct {
	Body struct {
		AccountID string `json:"account_id"`
		Name      string `json:"name,omitempty" doc:"Kept when --records-identity lists name"`
		Phone     string `json:"phone,omitempty" doc:"Kept when --records-identity lists phone"`
	}
}

// registerRecordsIdentity adds the read of the identity the AML records keep of a purged account
// (issue 15, docs/retention.md): admins only (records.identity), with a reason, audited as
// retention.records_identity_read in the transaction that reads it. A POST, not a GET: it is an
// act recorded with its reason, and its answer must not be cached or replayed from a log of URLs.
func (s *Server) registerRecordsIdentity() {
	register(s, huma.Operation{
		OperationID: "admin-records-identity", Method: http.MethodPost, Path: "/api/v1/admin/accounts/{id}/records-identity",
		Summary: "Read a purged account's records identity",
		Description: "The name and phone the anti-money-laundering records keep, sealed under a records key, after the " +
			"personal-data purge and until the records purge. For an inquiry the law allows; the reason is audited.",
		Tags: []string{"Admin"}, Security: adminBearer, Errors: []int{401, 403, 404, 422},
	}, func(ctx context.Context, in *recordsIdentityInput) (*recordsIdentityOutput, error) {
		op, err := operatorWith(ctx, purse.RoleAgent) // the matrix (records.identity) has ruled already
		if err != nil {
			return nil, err
		}
		if !purse.ValidID(in.ID) {
			return nil, purse.Errorf(purse.CodeNotFound, "no account %s", in.ID)
		}
		id, err := s.Lifecycle.ReadRecordsIdentity(ctx, in.ID, "operator:"+op.ID, in.Body.Reason)
		if err != nil {
			return nil, err
		}
		out := &recordsIdentityOutput{}
		out.Body.AccountID, out.Body.Name, out.Body.Phone = in.ID, id.Name, id.Phone
		return out, nil
	})
}
