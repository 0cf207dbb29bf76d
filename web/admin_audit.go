package web

import (
	"net/http"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/operator"
)

// auditPageSize is how many events the console's audit page lists at a time.
const auditPageSize = 100

// auditData is the console's audit page: a page of the chain, optionally for one account, and
// the result of a verification when an admin asked for one.
type auditData struct {
	Subject   string
	Events    []*purse.AuditEvent
	NextChain int   // the chain and seq of the page's last event, for the next page
	NextAfter int64 // 0 on the last page
	CanVerify bool
	Verified  *auditCheck
}

// auditCheck is a verification's outcome as the page shows it.
type auditCheck struct {
	audit.Result
	Heads []string // every chain's head as an anchor, CHAIN:SEQ:HASH, to keep outside the database
}

// Intact reports whether the chain verified.
func (c *auditCheck) Intact() bool { return c.FirstBroken == 0 }

// adminAuditRoutes registers the console's audit page and the certificate downloads.
func (h *Handler) adminAuditRoutes() {
	h.mux.HandleFunc("GET /admin/audit", h.adminAudit)
	h.mux.HandleFunc("POST /admin/audit/verify", h.adminAuditVerify)
	h.mux.HandleFunc("GET /admin/closures/{id}/certificate", h.adminCertificate)
}

// adminAudit lists the audit chains for any operator (the admin API's GET /api/v1/admin/audit),
// filtered by account, chain by chain in chain order and page by page.
func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	h.showAudit(w, r, o, nil)
}

// adminAuditVerify walks every chain, as `purse audit verify` and the admin API do: admins
// only, since it reads every event. Checkpoints in the operator's sinks are checked by the
// command, which reads them (docs/deployment.md).
func (h *Handler) adminAuditVerify(w http.ResponseWriter, r *http.Request) {
	o, ok := requireOperator(w, r)
	if !ok {
		return
	}
	if !h.checkCSRF(r) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "form expired"))
		return
	}
	if !operator.Can(o.Role, operator.ActSettings) {
		h.serveError(w, r, purse.Errorf(purse.CodeForbidden, "admins only"))
		return
	}
	heads, err := audit.Heads(r.Context(), h.Store)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	res, err := audit.Check(r.Context(), h.Store)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	check := &auditCheck{Result: res}
	for _, a := range heads {
		check.Heads = append(check.Heads, a.String())
	}
	h.showAudit(w, r, o, check)
}

func (h *Handler) showAudit(w http.ResponseWriter, r *http.Request, o *purse.Operator, check *auditCheck) {
	subject := limit(r.FormValue("subject"), 64)
	after, _ := strconv.ParseInt(r.FormValue("after"), 10, 64)
	chain, _ := strconv.Atoi(r.FormValue("chain"))
	events, err := audit.Events(r.Context(), h.Store, subject, purse.AuditPos{Chain: max(chain, 0), Seq: max(after, 0)}, auditPageSize)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &auditData{Subject: subject, Events: events, CanVerify: operator.Can(o.Role, operator.ActSettings), Verified: check}
	if len(events) == auditPageSize {
		last := events[len(events)-1]
		d.NextChain, d.NextAfter = last.Chain, last.Seq
	}
	v := h.newView(r, "wa_audit_title")
	v.Data = d
	h.render(w, r, http.StatusOK, "admin_audit", v)
}

// adminCertificate downloads a closure's signed certificate for support: the PDF in the console's
// language, or the JWS itself (?format=jws) that anyone can verify against the published keys.
func (h *Handler) adminCertificate(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireOperator(w, r); !ok {
		return
	}
	f, err := h.Closures.AdminGet(r.Context(), r.PathValue("id"))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if len(f.Request.Certificate) == 0 {
		h.serveError(w, r, purse.Errorf(purse.CodeNotFound, "no certificate yet"))
		return
	}
	name := "closure-certificate-" + f.Request.ID
	if r.URL.Query().Get("format") == "jws" {
		w.Header().Set("Content-Type", "application/jose")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.jws"`)
		w.Write(f.Request.Certificate)
		return
	}
	pdf, err := certificate.PDF(f.Request.Certificate, h.Catalog, lang(r))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	w.Write(pdf)
}
