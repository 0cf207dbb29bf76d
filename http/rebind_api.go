package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/blocker"
	"github.com/purse-wallet/purse/business"
)

// AP-9: rebinding instead of closing. A recycled phone number is released from the older wallet
// it is still bound to; a real-name collision is appealed to support.

type releasePhoneInput struct {
	Body struct {
		Phone string `json:"phone" doc:"The phone number, which receives the SMS" minLength:"1" maxLength:"32"`
	}
}

type releaseConfirmInput struct {
	Body struct {
		Phone string `json:"phone" minLength:"1" maxLength:"32"`
		Code  string `json:"code" doc:"The 6-digit code sent to the phone" pattern:"^[0-9]{6}$"`
	}
}

type releaseStatusInput struct {
	Body struct {
		Token string `json:"token" doc:"The token POST /api/v1/phone-releases answered" minLength:"1" maxLength:"100"`
	}
}

type releaseOutput struct{ Body *business.ReleaseView }

// waitingRelease is a release waiting against the caller's wallet, which its holder may object to.
type waitingRelease struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	DueAt     time.Time `json:"due_at" doc:"When the number is unbound unless the holder objects"`
}

type waitingReleasesOutput struct {
	Body struct {
		Items []waitingRelease `json:"items"`
	}
}

type appealInput struct {
	Body struct {
		Reason string `json:"reason" doc:"Why the certification is yours: what happened, which documents you can show" minLength:"1" maxLength:"500"`
	}
}

type appealOutput struct{ Body *purse.RebindAppeal }

type appealsOutput struct {
	Body struct {
		Items []*purse.RebindAppeal `json:"items"`
	}
}

type appealDecisionInput struct {
	ID   string `path:"id" maxLength:"36"`
	Body struct {
		Approve bool   `json:"approve" doc:"true approves (the appellant's wallet becomes verified), false rejects"`
		Reason  string `json:"reason" doc:"Told to the user" minLength:"1" maxLength:"500"`
	}
}

func (s *Server) registerRebind() {
	tags := []string{"Rebind instead of closing"}
	register(s, huma.Operation{OperationID: "start-phone-release", Method: http.MethodPost, Path: "/api/v1/phone-releases/code",
		DefaultStatus: 202, Tags: tags, Security: public, Errors: []int{422, 429},
		Summary: "Ask to release a phone number still bound to an older wallet (AP-9): an SMS goes to the phone",
		Description: "Always 202: a number bound to a wallet receives a release code, a free one a note that it can be registered, " +
			"so the answer tells nothing of any account. 429 when the client address has asked too often today.",
	}, func(ctx context.Context, in *releasePhoneInput) (*acceptedOutput, error) {
		if err := s.Business.LimitClientIP(ctx, "phone-release", clientIP(ctx)); err != nil {
			return nil, err
		}
		if err := s.Business.StartPhoneRelease(ctx, in.Body.Phone, string(languageOf(ctx))); err != nil {
			return nil, err
		}
		out := &acceptedOutput{}
		out.Body.Status = "accepted"
		return out, nil
	})
	register(s, huma.Operation{OperationID: "confirm-phone-release", Method: http.MethodPost, Path: "/api/v1/phone-releases",
		DefaultStatus: 201, Tags: tags, Security: public, Errors: []int{422, 429},
		Summary: "Prove the phone with its code: the waiting period starts (AP-9)",
		Description: "The older wallet's holder is told and may object; with no objection the number is unbound at due_at. " +
			"Every refusal is 422 OTP_INVALID, whether the code is wrong or expired or the number is free. The token " +
			"(shown once) reads the status later.",
	}, func(ctx context.Context, in *releaseConfirmInput) (*releaseOutput, error) {
		if err := s.Business.LimitClientIP(ctx, "phone-release-confirm", clientIP(ctx)); err != nil {
			return nil, err
		}
		v, err := s.Business.ConfirmPhoneRelease(ctx, in.Body.Phone, in.Body.Code)
		return &releaseOutput{Body: v}, err
	})
	register(s, huma.Operation{OperationID: "phone-release-status", Method: http.MethodPost, Path: "/api/v1/phone-releases/status",
		Tags: tags, Security: public, Errors: []int{404, 422},
		Summary: "Where a phone release stands, by its token (AP-9)",
	}, func(ctx context.Context, in *releaseStatusInput) (*releaseOutput, error) {
		v, err := s.Business.ReleaseStatus(ctx, in.Body.Token)
		return &releaseOutput{Body: v}, err
	})

	user := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags,
			Security: bearer, DefaultStatus: status, Errors: []int{401, 404, 409, 422}}
	}
	register(s, user("my-phone-releases", http.MethodGet, "/api/v1/me/phone-releases",
		"Releases of my phone number asked by someone who now receives its SMS (AP-9)", 200),
		func(ctx context.Context, _ *struct{}) (*waitingReleasesOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			list, err := s.Business.WaitingReleases(ctx, p.Account.ID)
			out := &waitingReleasesOutput{}
			out.Body.Items = []waitingRelease{}
			for _, r := range list {
				out.Body.Items = append(out.Body.Items, waitingRelease{ID: r.ID, CreatedAt: r.CreatedAt, DueAt: r.DueAt})
			}
			return out, err
		})
	register(s, user("object-phone-release", http.MethodPost, "/api/v1/me/phone-releases/{id}/objection",
		"The number is still mine: end the release, the number stays bound (AP-9)", 204),
		func(ctx context.Context, in *idInput) (*emptyOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			return &emptyOutput{}, s.Business.ObjectRelease(ctx, p.Account.ID, in.ID)
		})
	register(s, user("file-appeal", http.MethodPost, "/api/v1/appeals",
		"Appeal a real-name certification that collides with an older wallet (AP-9); support decides", 201),
		func(ctx context.Context, in *appealInput) (*appealOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			a, err := s.Business.FileAppeal(ctx, p.Account.ID, in.Body.Reason)
			return &appealOutput{Body: a}, err
		})
	register(s, user("list-appeals", http.MethodGet, "/api/v1/appeals", "My appeals and where they stand", 200),
		func(ctx context.Context, _ *struct{}) (*appealsOutput, error) {
			p, err := caller(ctx)
			if err != nil {
				return nil, err
			}
			out := &appealsOutput{}
			out.Body.Items, err = s.Business.Appeals(ctx, p.Account.ID)
			if out.Body.Items == nil {
				out.Body.Items = []*purse.RebindAppeal{}
			}
			return out, err
		})

	admin := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{"Admin: appeals"},
			Security: adminBearer, DefaultStatus: status, Errors: []int{401, 403, 404, 409, 422}}
	}
	register(s, admin("admin-appeals", http.MethodGet, "/api/v1/admin/appeals", "Real-name appeals waiting for a decision, oldest first", 200),
		func(ctx context.Context, _ *struct{}) (*appealsOutput, error) {
			if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
				return nil, err
			}
			out := &appealsOutput{}
			var err error
			out.Body.Items, err = s.Business.PendingAppeals(ctx, 200)
			if out.Body.Items == nil {
				out.Body.Items = []*purse.RebindAppeal{}
			}
			return out, err
		})
	register(s, admin("admin-decide-appeal", http.MethodPost, "/api/v1/admin/appeals/{id}/decision",
		"Approve or reject a real-name appeal with a reason the user reads (reviewer)", 200),
		func(ctx context.Context, in *appealDecisionInput) (*appealOutput, error) {
			o, err := operatorWith(ctx, purse.RoleReviewer)
			if err != nil {
				return nil, err
			}
			a, err := s.Business.DecideAppeal(ctx, blocker.OperatorActor(o), in.ID, in.Body.Approve, in.Body.Reason)
			return &appealOutput{Body: a}, err
		})
}
