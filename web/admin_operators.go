package web

import (
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
)

// operatorsData is the console's operator management page (issue 13): admins only.
type operatorsData struct {
	Operators []*purse.Operator
	Roles     []purse.Role
	Self      string
	Saved     string
}

// adminOperatorRoutes registers the page and its forms.
func (h *Handler) adminOperatorRoutes() {
	h.mux.HandleFunc("GET /admin/operators", h.adminOperators)
	h.mux.HandleFunc("POST /admin/operators/{id}/role", h.adminManageOperator)
	h.mux.HandleFunc("POST /admin/operators/{id}/disable", h.adminManageOperator)
	h.mux.HandleFunc("POST /admin/operators/{id}/enable", h.adminManageOperator)
}

// adminOperators lists the operators (GET /api/v1/admin/operators); the service refuses a role
// that may not manage operators (ROLE_REQUIRED), and the nav shows the page only to those who may.
func (h *Handler) adminOperators(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	h.showOperators(w, r, o, http.StatusOK, r.URL.Query().Get("saved"), "")
}

func (h *Handler) showOperators(w http.ResponseWriter, r *http.Request, o *purse.Operator, status int, saved, msg string) {
	list, err := h.Operators.List(r.Context(), "operator:"+o.ID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	v := h.newView(r, "wop_title")
	v.Error = msg
	v.Data = &operatorsData{Operators: list, Roles: []purse.Role{purse.RoleAgent, purse.RoleReviewer, purse.RoleAdmin},
		Self: o.ID, Saved: saved}
	h.render(w, r, status, "admin_operators", v)
}

// adminManageOperator changes a role, or disables or enables an operator. The service applies the
// matrix and refuses to leave no enabled admin (LAST_ADMIN), which the page then shows.
func (h *Handler) adminManageOperator(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "form expired"))
		return
	}
	actor, id := "operator:"+o.ID, r.PathValue("id")
	var err error
	saved := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch saved {
	case "role":
		_, err = h.Operators.SetRole(r.Context(), actor, id, purse.Role(r.PostFormValue("role")))
	case "disable":
		_, err = h.Operators.Disable(r.Context(), actor, id)
	default:
		_, err = h.Operators.Enable(r.Context(), actor, id)
	}
	switch {
	case purse.ErrorCode(err) == purse.CodeNotFound:
		h.serveError(w, r, err)
	case purse.ErrorCode(err) == purse.CodeRoleRequired:
		h.serveError(w, r, err)
	case err != nil:
		h.showOperators(w, r, o, statusOf(err), "", h.message(r, err))
	case saved == "disable" && id == o.ID:
		seeOther(w, r, "/admin/signin") // they disabled themselves: their session ended with it
	default:
		seeOther(w, r, "/admin/operators?saved="+saved)
	}
}
