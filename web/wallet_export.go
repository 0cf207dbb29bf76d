package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// The exports (TP-1, IM-3, PW-5) answer with the page session: the API's routes take a bearer
// token, which the pages never hand to the browser. They write what the API's routes write.

// exportCSV streams the transactions as CSV.
func (h *Handler) exportCSV(w http.ResponseWriter, r *http.Request) {
	h.streamExport(w, r, "text/csv; charset=utf-8", "transactions.csv", func(ctx context.Context, out io.Writer, id string) error {
		return h.Exports.CSV(ctx, out, id, lang(r))
	})
}

// exportTakeout streams everything held about the account as a zip.
func (h *Handler) exportTakeout(w http.ResponseWriter, r *http.Request) {
	h.streamExport(w, r, "application/zip", "takeout.zip", func(ctx context.Context, out io.Writer, id string) error {
		return h.Exports.Takeout(ctx, out, id, lang(r))
	})
}

// exportStatement renders the PDF statement of the days from..to (included) before answering, so
// that a bad period is a proper error page (EXPORT_RANGE_INVALID).
func (h *Handler) exportStatement(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if h.Exports == nil {
		h.notFound(w, r)
		return
	}
	loc := h.Exports.Location
	if loc == nil {
		loc = time.UTC
	}
	q := r.URL.Query()
	from, err1 := time.ParseInLocation(time.DateOnly, q.Get("from"), loc)
	to, err2 := time.ParseInLocation(time.DateOnly, q.Get("to"), loc)
	if err1 != nil || err2 != nil {
		from, to = time.Time{}, time.Time{} // Statement refuses the zero period: EXPORT_RANGE_INVALID
	} else {
		to = to.AddDate(0, 0, 1)
	}
	var b bytes.Buffer
	if err := h.Exports.Statement(r.Context(), &b, a.ID, lang(r), from, to); err != nil {
		h.serveError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Content-Disposition", `attachment; filename="statement-`+q.Get("from")+`-`+q.Get("to")+`.pdf"`)
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// streamExport writes a file as it is made. Once the first byte is out an error can only cut the
// answer short, which the browser shows as a failed download rather than a complete-looking file.
func (h *Handler) streamExport(w http.ResponseWriter, r *http.Request, contentType, name string,
	write func(ctx context.Context, out io.Writer, accountID string) error) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if h.Exports == nil {
		h.notFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("Cache-Control", "no-store")
	if err := write(r.Context(), w, a.ID); err != nil {
		h.Log.ErrorContext(r.Context(), "web: export failed mid-stream", "file", name, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
}
