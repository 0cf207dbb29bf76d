package http

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/export"
)

type statementInput struct {
	From string `query:"from" required:"true" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"First day, YYYY-MM-DD, in the operator's time zone"`
	To   string `query:"to" required:"true" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"Last day (included), YYYY-MM-DD"`
}

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func fileResponse(contentType, desc string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {Description: desc,
		Content: map[string]*huma.MediaType{contentType: {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
}

// registerExports adds the signed-in user's exports (TP-1, IM-3, PW-5). The CSV and the archive
// stream: once the first byte is out an error can only cut the response short, which the client
// sees as a broken download, never as a complete-looking file.
func (s *Server) registerExports() {
	register(s, huma.Operation{
		OperationID: "export-transactions-csv", Method: http.MethodGet, Path: "/api/v1/exports/transactions.csv",
		Summary: "Export transactions as CSV", Description: "UTF-8 with a byte-order mark, one row per posting, streamed.",
		Tags: []string{"Exports"}, Security: bearer, Errors: []int{401},
		Responses: fileResponse("text/csv", "The transactions"),
	}, func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		lang := languageOf(ctx)
		return s.stream("text/csv; charset=utf-8", "transactions.csv", func(ctx context.Context, w *bytesCounter) error {
			return s.Exports.CSV(ctx, w, p.Account.ID, lang)
		}), nil
	})

	register(s, huma.Operation{
		OperationID: "export-statement-pdf", Method: http.MethodGet, Path: "/api/v1/exports/statement.pdf",
		Summary: "A PDF statement for a period", Description: "At most 366 days; Chinese text in an embedded font.",
		Tags: []string{"Exports"}, Security: bearer, Errors: []int{401, 422},
		Responses: fileResponse("application/pdf", "The statement"),
	}, func(ctx context.Context, in *statementInput) (*fileOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		loc := s.Exports.Location
		if loc == nil {
			loc = time.UTC
		}
		from, err1 := time.ParseInLocation(time.DateOnly, in.From, loc)
		to, err2 := time.ParseInLocation(time.DateOnly, in.To, loc)
		if err1 != nil || err2 != nil {
			return nil, &purse.Error{Code: purse.CodeExportRange, Params: map[string]any{"MaxDays": export.MaxStatementDays}}
		}
		to = to.AddDate(0, 0, 1)
		// The PDF is built in memory anyway (the period is bounded), so it is rendered before the
		// answer starts and a failure is still a proper problem.
		var b bytes.Buffer
		if err := s.Exports.Statement(ctx, &b, p.Account.ID, languageOf(ctx), from, to); err != nil {
			return nil, err
		}
		return &fileOutput{ContentType: "application/pdf", Body: b.Bytes(),
			ContentDisposition: `attachment; filename="statement-` + in.From + `-` + in.To + `.pdf"`}, nil
	})

	register(s, huma.Operation{
		OperationID: "export-takeout-zip", Method: http.MethodGet, Path: "/api/v1/exports/takeout.zip",
		Summary: "Everything held about the account", Description: "A zip of JSON files, the transactions CSV and a statement of the last year, streamed.",
		Tags: []string{"Exports"}, Security: bearer, Errors: []int{401},
		Responses: fileResponse("application/zip", "The archive"),
	}, func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		lang := languageOf(ctx)
		return s.stream("application/zip", "takeout.zip", func(ctx context.Context, w *bytesCounter) error {
			return s.Exports.Takeout(ctx, w, p.Account.ID, lang)
		}), nil
	})
}

// bytesCounter counts what went out, for the log.
type bytesCounter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *bytesCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *Server) stream(contentType, filename string, write func(context.Context, *bytesCounter) error) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", contentType)
		hc.SetHeader("Content-Disposition", `attachment; filename="`+filename+`"`)
		hc.SetHeader("Cache-Control", "no-store")
		hc.SetStatus(http.StatusOK)
		w := &bytesCounter{w: hc.BodyWriter()}
		if err := write(hc.Context(), w); err != nil {
			s.log.ErrorContext(hc.Context(), "export failed mid-stream", "file", filename, "bytes", w.n, "error", err.Error())
			// Abort the connection so that the client sees a failed download, not a short file.
			panic(http.ErrAbortHandler)
		}
	}}
}
