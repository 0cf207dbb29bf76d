package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
)

// The operator's side of the services that can block a closure. Roles: an agent may read (see
// admin_support.go); creating, ending and resolving items needs a reviewer, because each of them
// opens or lifts a closure blocker and so decides whether a user may leave; configuring platforms
// and creating operators needs an admin.

type accountPath struct {
	ID string `path:"id" maxLength:"36" doc:"The account's id"`
}

type itemPath struct {
	ID     string `path:"id" maxLength:"36" doc:"The account's id"`
	ItemID string `path:"item" maxLength:"36" doc:"The item's id"`
}

type adminAutoDebitInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Merchant string              `json:"merchant" minLength:"1" maxLength:"100"`
		Kind     purse.AutoDebitKind `json:"kind" enum:"general,cae,travel_credit"`
	}
}

type adminContractInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Title    string    `json:"title" minLength:"1" maxLength:"200"`
		StartsAt time.Time `json:"starts_at,omitzero" required:"false" doc:"Default: now"`
		EndsAt   time.Time `json:"ends_at"`
	}
}

type liftCertificateInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500" doc:"Why, and how the holder's identity was checked"`
	}
}

type adminDisputeInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Reason    string `json:"reason" minLength:"1" maxLength:"500"`
		Restricts bool   `json:"restricts,omitempty" required:"false" doc:"Restrict the account (active → restricted) while open"`
	}
}

type adminFlagInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Kind purse.FlagKind `json:"kind" enum:"terms_not_met,special_agreement"`
		Note string         `json:"note" minLength:"1" maxLength:"500"`
	}
}

type adminCouponInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Title     string    `json:"title" minLength:"1" maxLength:"200"`
		Amount    int64     `json:"amount" minimum:"1" maximum:"100000000" doc:"In fen"`
		ExpiresAt time.Time `json:"expires_at"`
	}
}

func (s *Server) registerAdminBlockers() {
	tags := []string{"Admin: services"}
	op := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags,
			Security: adminBearer, DefaultStatus: status, Errors: []int{401, 403, 404, 409, 422}}
	}

	register(s, op("admin-create-auto-debit", http.MethodPost, "/api/v1/admin/accounts/{id}/auto-debits", "Record a merchant's auto-debit agreement (AP-8.4)", 201),
		func(ctx context.Context, in *adminAutoDebitInput) (*autoDebitOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			a, err := s.Blockers.AddAutoDebit(ctx, blocker.OperatorActor(o), in.ID, in.Body.Merchant, in.Body.Kind)
			return &autoDebitOutput{Body: a}, err
		})

	register(s, op("admin-create-contract", http.MethodPost, "/api/v1/admin/accounts/{id}/contracts", "Make a merchant contract with a term (AP-8.9)", 201),
		func(ctx context.Context, in *adminContractInput) (*contractOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			c, err := s.Blockers.AddContract(ctx, blocker.OperatorActor(o), in.ID, in.Body.Title, in.Body.StartsAt, in.Body.EndsAt)
			return &contractOutput{Body: c}, err
		})
	register(s, op("admin-terminate-contract", http.MethodDelete, "/api/v1/admin/accounts/{id}/contracts/{item}", "Terminate a contract before its term", 200),
		func(ctx context.Context, in *itemPath) (*contractOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			c, err := s.Blockers.TerminateContract(ctx, blocker.OperatorActor(o), in.ID, in.ItemID)
			return &contractOutput{Body: c}, err
		})

	register(s, op("admin-lift-certificate", http.MethodPost, "/api/v1/admin/accounts/{id}/certificate-requirement/lift",
		"End a certificate user's certificate requirement (AP-2), after checking the holder's identity", 204),
		func(ctx context.Context, in *liftCertificateInput) (*emptyOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			return &emptyOutput{}, s.Blockers.LiftCertificate(ctx, blocker.OperatorActor(o), in.ID, in.Body.Reason)
		})

	register(s, op("admin-open-dispute", http.MethodPost, "/api/v1/admin/accounts/{id}/disputes", "Open a dispute or restriction (AP-8.8)", 201),
		func(ctx context.Context, in *adminDisputeInput) (*disputeOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			d, err := s.Blockers.OpenDispute(ctx, blocker.OperatorActor(o), in.ID, in.Body.Reason, in.Body.Restricts)
			return &disputeOutput{Body: d}, err
		})
	register(s, op("admin-resolve-dispute", http.MethodPost, "/api/v1/admin/accounts/{id}/disputes/{item}/resolve", "Resolve a dispute", 200),
		func(ctx context.Context, in *itemPath) (*disputeOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			d, err := s.Blockers.ResolveDispute(ctx, blocker.OperatorActor(o), in.ID, in.ItemID)
			return &disputeOutput{Body: d}, err
		})

	register(s, op("admin-create-flag", http.MethodPost, "/api/v1/admin/accounts/{id}/flags", "Flag terms not met or a special agreement (AP-8.6)", 201),
		func(ctx context.Context, in *adminFlagInput) (*flagOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			f, err := s.Blockers.AddFlag(ctx, blocker.OperatorActor(o), in.ID, in.Body.Kind, in.Body.Note)
			return &flagOutput{Body: f}, err
		})
	register(s, op("admin-clear-flag", http.MethodDelete, "/api/v1/admin/accounts/{id}/flags/{item}", "Clear a flag", 200),
		func(ctx context.Context, in *itemPath) (*flagOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			f, err := s.Blockers.ClearFlag(ctx, blocker.OperatorActor(o), in.ID, in.ItemID)
			return &flagOutput{Body: f}, err
		})

	coupon := op("admin-grant-coupon", http.MethodPost, "/api/v1/admin/accounts/{id}/coupons", "Grant a coupon", 201)
	mayBeHeld(s, &coupon)
	register(s, coupon,
		func(ctx context.Context, in *adminCouponInput) (*couponOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			c, err := s.Blockers.GrantCoupon(ctx, blocker.OperatorActor(o), in.ID, in.Body.Title, in.Body.Amount, in.Body.ExpiresAt)
			return &couponOutput{Body: c}, err
		})
}
