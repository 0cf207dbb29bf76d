package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// JobFailure is an item a batch job failed on and skips until RetryAt (purse.JobFailure).
type JobFailure struct {
	Job      string    `json:"job" doc:"The job: closure.close_due, closure.expire_idle, closure.remind, purge-personal, purge-records"`
	Item     string    `json:"item" doc:"The closure request's or the account's id"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error" doc:"The last failure, as logged"`
	First    time.Time `json:"first_failed_at"`
	Last     time.Time `json:"failed_at"`
	RetryAt  time.Time `json:"retry_at" doc:"The job passes over the item until then"`
}

type jobFailuresInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type jobFailuresOutput struct {
	Body []JobFailure
}

func (s *Server) registerAdminJobs() {
	register(s, huma.Operation{
		OperationID: "admin-job-failures", Method: http.MethodGet, Path: "/api/v1/admin/job-failures",
		Summary: "List the items background jobs failed on", Tags: []string{"Admin"}, Security: adminBearer,
		Description: "Each batch job (closing, expiry, reminders, the purges) handles an item in a savepoint " +
			"of its own; one that fails is skipped until retry_at, with its error and attempts, and the " +
			"others go on. Most recent failure first; an item that later succeeds leaves the list.",
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *jobFailuresInput) (*jobFailuresOutput, error) {
		if _, err := operatorWith(ctx, purse.RoleAgent); err != nil {
			return nil, err
		}
		list, err := jobs.Failures(ctx, s.Store, in.Limit)
		if err != nil {
			return nil, err
		}
		out := &jobFailuresOutput{Body: []JobFailure{}}
		for _, f := range list {
			out.Body = append(out.Body, JobFailure{Job: f.Job, Item: f.Item, Attempts: f.Attempts,
				Error: f.Error, First: f.First, Last: f.Last, RetryAt: f.RetryAt})
		}
		return out, nil
	})
}
