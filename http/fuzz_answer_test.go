package http

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/purse-wallet/purse"
)

// plainSealer "opens" a sealed answer to the bytes after the mark as they are, so that the fuzzer
// reaches the parsing behind the AEAD, which no forged ciphertext would pass: a stored answer's
// plaintext is the master key holder's, but the opener must still never panic or misread it.
type plainSealer struct{}

func (plainSealer) SealAnswer(_, p []byte) []byte { return p }
func (plainSealer) OpenAnswer(_, s []byte) ([]byte, error) {
	if bytes.HasPrefix(s, []byte("refuse")) {
		return nil, errors.New("does not open")
	}
	return s, nil
}
func (plainSealer) Lookup(kind, v string) string { return kind + v }

// FuzzOpenAnswer feeds openAnswer arbitrary stored bodies, marked or not: it never panics; an
// unmarked body is an earlier version's answer and is left as it is; a marked one either opens to
// headers and a body that seal back to the same bytes, or is IDEMPOTENT_ANSWER_UNREADABLE.
func FuzzOpenAnswer(f *testing.F) {
	seal := func(header string, body string) []byte {
		p := binary.AppendUvarint(nil, uint64(len(header)))
		return append(append(append(bytes.Clone(sealedMark), p...), header...), body...)
	}
	for _, b := range [][]byte{nil, []byte(`{"id":"x"}`), seal(`{}`, ""), seal(`{"Location":"/a"}`, `{"ok":true}`),
		seal(`{"a":1}`, "x"), seal("", "x"), append(bytes.Clone(sealedMark), 0xff, 0xff, 0xff), append(bytes.Clone(sealedMark), "refuse"...),
		bytes.Clone(sealedMark)} {
		f.Add(b)
	}
	r := httptest.NewRequest("POST", "/api/v1/transfers", nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		a := &purse.IdempotentResponse{Scope: "s", Key: "k", RequestHash: "h", Status: 201, Body: bytes.Clone(body)}
		err := openAnswer(plainSealer{}, r, a)
		if !bytes.HasPrefix(body, sealedMark) {
			if err != nil || !bytes.Equal(a.Body, body) {
				t.Fatalf("an unmarked answer was changed: %v", err)
			}
			return
		}
		if err != nil {
			if purse.ErrorCode(err) != purse.CodeIdempotentAnswerUnreadable {
				t.Fatalf("a marked answer that does not open answered %v", err)
			}
			return
		}
		again := &purse.IdempotentResponse{Scope: "s", Key: "k", RequestHash: "h", Status: 201, Header: a.Header, Body: a.Body}
		if err := sealAnswer(plainSealer{}, r, again); err != nil {
			t.Fatal(err)
		}
		if err := openAnswer(plainSealer{}, r, again); err != nil || !bytes.Equal(again.Body, a.Body) || len(again.Header) != len(a.Header) {
			t.Fatalf("an opened answer does not seal and open back to itself: %v", err)
		}
	})
}
