package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/operator"
)

// maintenanceData is the switches page.
type maintenanceData struct {
	Maintenance *purshttp.Maintenance
	MinVersion  string
	CanEdit     bool // admins only
	Saved       bool
}

// adminMaintenance shows the live switches (GE-1): maintenance with its notice and expected end,
// and the minimum client version. Every operator sees them; only an admin changes them.
func (h *Handler) adminMaintenance(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_admin_maintenance_title")
	v.Data = h.maintenanceData(r, o)
	v.Data.(*maintenanceData).Saved = r.URL.Query().Get("saved") == "1"
	h.render(w, r, http.StatusOK, "admin_maintenance", v)
}

func (h *Handler) maintenanceData(r *http.Request, o *purse.Operator) *maintenanceData {
	m, _ := h.maintenance(r.Context())
	return &maintenanceData{Maintenance: m, MinVersion: h.setting(r.Context(), purshttp.SettingMinClientVersion),
		CanEdit: operator.Can(o.Role, operator.ActSettings)}
}

// adminSetMaintenance switches maintenance on (with a notice and an expected duration) or off,
// and sets the minimum client version, live for every instance. Admin role only (ROLE_REQUIRED);
// the change and its audit record commit in one transaction.
func (h *Handler) adminSetMaintenance(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	v := h.newView(r, "web_admin_maintenance_title")
	d := h.maintenanceData(r, o)
	v.Data = d
	if !h.checkCSRF(r) {
		h.formExpired(w, r, "admin_maintenance", v)
		return
	}
	if !d.CanEdit {
		v.Error = h.message(r, operator.Require(o.Role, operator.ActSettings))
		h.render(w, r, http.StatusForbidden, "admin_maintenance", v)
		return
	}
	var m *purshttp.Maintenance
	notice := strings.TrimSpace(r.PostFormValue("notice"))
	if r.PostFormValue("on") == "yes" {
		if notice == "" || len([]rune(notice)) > 200 {
			v.Fields = map[string]string{"notice": v.T("web_admin_notice_required")}
			h.render(w, r, http.StatusUnprocessableEntity, "admin_maintenance", v)
			return
		}
		m = &purshttp.Maintenance{Notice: notice}
		if mins, err := strconv.Atoi(r.PostFormValue("minutes")); err == nil && mins > 0 && mins <= 7*24*60 {
			m.Until = h.Clock.Now().Add(time.Duration(mins) * time.Minute).Truncate(time.Minute)
		}
	}
	minVersion := strings.TrimSpace(r.PostFormValue("min_version"))
	ctx, end, err := h.Store.Bind(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	err = h.Switches.SetMinClientVersion(ctx, minVersion)
	if err == nil {
		err = h.Switches.SetMaintenance(ctx, m)
	}
	if err == nil {
		err = h.Store.Tx(ctx, func(tx purse.Tx) error {
			data := map[string]string{"maintenance": strconv.FormatBool(m != nil), "min_client_version": minVersion}
			if m != nil {
				data["notice"] = m.Notice
			}
			return audit.Record(ctx, tx, "operator:"+o.ID, audit.AdminSwitchesSet, "", data)
		})
	}
	if cerr := end(err == nil); err == nil {
		err = cerr
	}
	if err != nil {
		if purse.ErrorCode(err) == purse.CodeInvalidRequest {
			v.Fields = map[string]string{"min_version": v.T("web_admin_version_invalid")}
			h.render(w, r, http.StatusUnprocessableEntity, "admin_maintenance", v)
			return
		}
		h.serveError(w, r, err)
		return
	}
	seeOther(w, r, "/admin/maintenance?saved=1")
}
