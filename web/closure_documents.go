package web

import (
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/closure"
	"github.com/purse-wallet/purse/document"
	"github.com/purse-wallet/purse/i18n"
)

// documentsRoutes register the page the closure and erasure notices link to (issue 16): a closed
// account cannot sign in, so the link is the proof. The page shows the closure certificate and,
// once the purge ran, the erasure receipt, each as its signed JWS and as a PDF.
func (h *Handler) documentsRoutes() {
	h.mux.HandleFunc("GET "+closure.DocumentsPath+"{token}", h.closureDocuments)
	h.mux.HandleFunc("GET "+closure.DocumentsPath+"{token}/{file}", h.closureDocument)
}

// documentsData is the documents page: each document as its reader sees it, and the link's end.
type documentsData struct {
	Token   string
	Lang    string
	Docs    []docView // the certificate, then the receipt once issued
	Receipt bool
	Request *purse.ClosureRequest
	Until   string
	JWKS    string
}

// docView is one document on the page: its file name and what it states.
type docView struct {
	Name string
	Doc  *document.CertificateData
}

// linkLang makes the link's ?lang= the page's language when the reader chose none: the notice
// puts the account's language there.
func linkLang(r *http.Request, d *closure.Documents) *http.Request {
	if _, err := r.Cookie("lang"); err == nil {
		return r
	}
	l := r.URL.Query().Get("lang")
	if l != i18n.English && l != i18n.Chinese {
		if d == nil || (d.Language != i18n.English && d.Language != i18n.Chinese) {
			return r
		}
		l = d.Language
	}
	r = r.Clone(r.Context())
	r.AddCookie(&http.Cookie{Name: "lang", Value: l})
	return r
}

func (h *Handler) closureDocuments(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	d, err := h.Closures.OpenDocuments(r.Context(), token)
	r = linkLang(r, d)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	v := h.newView(r, "wd_title")
	data := &documentsData{Token: token, Lang: v.Lang, Request: d.Request, Until: h.Catalog.FormatTime(v.Lang, d.ExpiresAt)}
	if c := h.render1(d.Certificate, v.Lang); c != nil {
		data.Docs = append(data.Docs, docView{Name: "certificate", Doc: c})
	}
	if rc := h.render1(d.Receipt, v.Lang); rc != nil {
		data.Docs, data.Receipt = append(data.Docs, docView{Name: "receipt", Doc: rc}), true
	}
	if st, err := certificate.Payload(d.Certificate); err == nil {
		data.JWKS = st.Issuer + certificate.JWKSPath
	}
	v.Data = data
	h.render(w, r, http.StatusOK, "closure_documents", v)
}

// render1 is a signed document as its reader sees it, nil when there is none.
func (h *Handler) render1(raw []byte, lang string) *document.CertificateData {
	if len(raw) == 0 {
		return nil
	}
	st, err := certificate.Payload(raw)
	if err != nil {
		return nil
	}
	kid := ""
	if k, err := certificate.KeyIDOf(raw); err == nil {
		kid = k
	}
	d := certificate.Render(st, kid, h.Catalog, lang)
	return &d
}

// closureDocument serves one document: certificate.jws or receipt.jws as signed (application/jose,
// for `purse verify-certificate` or any JOSE library), certificate.pdf or receipt.pdf to read.
func (h *Handler) closureDocument(w http.ResponseWriter, r *http.Request) {
	d, err := h.Closures.OpenDocuments(r.Context(), r.PathValue("token"))
	r = linkLang(r, d)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	var raw []byte
	switch name {
	case "certificate":
		raw = d.Certificate
	case "receipt":
		raw = d.Receipt
	}
	if len(raw) == 0 || (ext != "jws" && ext != "pdf") {
		h.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	file := name + "-" + d.Request.ID + "." + ext
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	if ext == "jws" {
		w.Header().Set("Content-Type", "application/jose")
		_, _ = w.Write(raw)
		return
	}
	link := ""
	if base := h.Closures.BaseURL; strings.HasPrefix(base, "http") {
		link = base + closure.DocumentsPath + r.PathValue("token") + "?lang=" + lang(r)
	}
	pdf, err := certificate.LinkedPDF(raw, h.Catalog, lang(r), link)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	_, _ = w.Write(pdf)
}
