package web

import (
	"net/http"

	"github.com/purse-wallet/purse"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/jobs"
)

// dashboardData is the console's front page: accounts by status and the live switches.
type dashboardData struct {
	Counts      []statusCount
	Total       int
	Maintenance *purshttp.Maintenance
	MinVersion  string
	// Failures are the items batch jobs failed on and skip for now (jobs.Batch), for support.
	Failures []*purse.JobFailure
}

type statusCount struct {
	Status purse.AccountStatus
	Count  int
}

// adminDashboard shows the operator, their role, the accounts by status and the live switches.
func (h *Handler) adminDashboard(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireOperator(w, r); !ok {
		return
	}
	d := &dashboardData{}
	counts, err := h.Accounts.CountByStatus(r.Context())
	if err == nil {
		d.Failures, err = jobs.Failures(r.Context(), h.Store, 50)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, s := range []purse.AccountStatus{purse.StatusActive, purse.StatusRestricted, purse.StatusClosing,
		purse.StatusClosed, purse.StatusPurged} {
		d.Counts = append(d.Counts, statusCount{Status: s, Count: counts[s]})
		d.Total += counts[s]
	}
	d.Maintenance, _ = h.maintenance(r.Context())
	d.MinVersion = h.setting(r.Context(), purshttp.SettingMinClientVersion)
	v := h.newView(r, "web_admin_dashboard_title")
	v.Data = d
	h.render(w, r, http.StatusOK, "admin_dashboard", v)
}
