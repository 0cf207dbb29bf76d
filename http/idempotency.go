package http

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
)

// idempotency makes a state-changing request sent with an Idempotency-Key take effect once.
//
// The request runs inside one transaction bound to its context (purse.Store.Bind); its answer is
// stored in that same transaction and both commit together. So a crash at any instant leaves
// either the effect and its answer, or neither, and a retry either replays the first answer or
// runs afresh (DESIGN.md §4.4, §4.5). Two concurrent requests with one key serialize on the key's
// row: the second replays the first's answer. Answers of 5xx are not kept: they are rolled back
// with the effect, and the retry runs again.
func (s *Server) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method == http.MethodGet || r.Method == http.MethodHead || !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		if !validKey(key) {
			s.writeProblem(w, r, purse.Errorf(purse.CodeIdempotencyKeyBad, "bad Idempotency-Key"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.writeProblem(w, r, purse.Errorf(purse.CodeBodyTooLarge, "body over %d bytes", MaxBody))
				return
			}
			s.writeProblem(w, r, purse.Errorf(purse.CodeMalformedJSON, "unreadable body"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		scope := "anon"
		if p, err := caller(r.Context()); err == nil {
			scope = p.Account.ID
		}
		// Operators get their own scope: under "anon", a second operator reusing a key and body would
		// be replayed the first one's answer (a new operator's token, say).
		if st := stateOf(r.Context()); st != nil && st.operator != nil {
			scope = "operator:" + st.operator.ID
		}

		once := Once{Store: s.Store, Seal: s.Sealer, Log: s.log, Fail: s.writeProblem}
		once.Serve(w, r, scope, key, body, !bearsToken(r), next)
	})
}

// Once is the idempotency machinery as a function, so that the pages' one-time form tokens use
// the same stored answers, transaction and replay as the API's Idempotency-Key: it runs a request
// at most once for its scope and key. Fail answers the errors it meets (IDEMPOTENCY_KEY_REUSED, a
// store failure, IDEMPOTENT_ANSWER_UNREADABLE) as its caller answers errors: problem+json for the
// API, a page for the web. Seal is required: answers are never stored in clear (idempotency_seal.go).
type Once struct {
	Store purse.Store
	Seal  Sealer
	Log   *slog.Logger // where an answer that does not open is reported; nil for none
	Fail  func(w http.ResponseWriter, r *http.Request, err error)
}

// Serve runs next inside one transaction bound to its context and stores its answer in that same
// transaction, or replays the answer stored for scope and key. The request is identified by its
// method, path and content (the body, or a form's fields): a key sent again with other content is
// refused, not replayed. Without keepSuccess a successful answer commits its effect but is not
// kept (it holds a bearer token, stored only hashed).
func (o Once) Serve(w http.ResponseWriter, r *http.Request, scope, key string, content []byte, keepSuccess bool, next http.Handler) {
	if o.Seal == nil {
		o.Fail(w, r, errors.New("idempotency: no sealer for stored answers"))
		return
	}
	hash := requestHash(o.Seal, r, content)
	ctx, end, err := o.Store.Bind(r.Context())
	if err != nil {
		o.Fail(w, r, err)
		return
	}
	var first *purse.IdempotentResponse
	err = o.Store.Read(ctx, func(tx purse.Tx) error {
		first, err = tx.IdempotentResponse(ctx, scope, key)
		return err
	})
	if err == nil {
		_ = end(false)
		o.replay(w, r, first, hash, content)
		return
	}
	if !errors.Is(err, purse.ErrNotFound) {
		_ = end(false)
		o.Fail(w, r, err)
		return
	}

	rec := &bufferedWriter{header: http.Header{}}
	func() {
		defer func() {
			if p := recover(); p != nil {
				_ = end(false)
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	}()
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 500 {
		_ = end(false)
		rec.flush(w)
		return
	}
	if rec.status < 300 && !keepSuccess {
		// The answer carries a bearer token, which purse stores only hashed (DESIGN.md §7): the
		// effect commits but the answer is not kept, so a retry signs in afresh. Refusals carry
		// no token and are still kept, so a retried wrong password counts once.
		if err := end(true); err != nil {
			o.Fail(w, r, &purse.Error{Code: purse.CodeUnavailable, Err: err})
			return
		}
		rec.flush(w)
		return
	}
	// A redirect has no body; the column holds an empty one, never NULL.
	answer := &purse.IdempotentResponse{Scope: scope, Key: key, RequestHash: hash, Status: rec.status,
		Header: keptHeaders(rec.header), Body: append([]byte{}, rec.body.Bytes()...)}
	if err := sealAnswer(o.Seal, r, answer); err != nil {
		_ = end(false)
		o.Fail(w, r, err)
		return
	}
	err = o.Store.Tx(ctx, func(tx purse.Tx) error {
		answer.CreatedAt = tx.Now()
		return tx.InsertIdempotentResponse(ctx, answer)
	})
	if errors.Is(err, purse.ErrDuplicate) {
		// A concurrent request with this key committed first: undo ours and answer as it did.
		_ = end(false)
		err = o.Store.Read(r.Context(), func(tx purse.Tx) error {
			first, err = tx.IdempotentResponse(r.Context(), scope, key)
			return err
		})
		if err != nil {
			o.Fail(w, r, err)
			return
		}
		o.replay(w, r, first, hash, content)
		return
	}
	if err != nil {
		_ = end(false)
		o.Fail(w, r, err)
		return
	}
	if err := end(true); err != nil {
		o.Fail(w, r, &purse.Error{Code: purse.CodeUnavailable, Err: err})
		return
	}
	rec.flush(w)
}

func (o Once) replay(w http.ResponseWriter, r *http.Request, first *purse.IdempotentResponse, hash string, content []byte) {
	if first.RequestHash != hash && !legacyMatch(r, first, content) {
		o.Fail(w, r, purse.Errorf(purse.CodeIdempotencyKeyReused, "key used for another request"))
		return
	}
	// Nothing was run and nothing is written: the request's transaction has already ended.
	if err := openAnswer(o.Seal, r, first); err != nil {
		if o.Log != nil {
			o.Log.ErrorContext(r.Context(), "stored idempotent answer does not open", "path", r.URL.Path, "error", err.Error())
		}
		o.Fail(w, r, err)
		return
	}
	for k, v := range first.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(first.Status)
	w.Write(first.Body)
}

// bearsToken reports whether a successful answer of the request holds a new session token.
func bearsToken(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/api/v1/sessions"
}

func validKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for _, c := range k {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// keptHeaders are the response headers a replay repeats.
func keptHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"Content-Type", "Location", "Retry-After", "Content-Language"} {
		if v := h.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// bufferedWriter holds a response until its transaction has committed.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}
