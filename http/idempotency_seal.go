package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/purse-wallet/purse"
)

// Stored answers are sealed at rest. An answer can hold a new operator's bearer token, a new
// account's phone and e-mail, balances or a closure's personal data, and it stays in the database
// (and its backups) for a day; sealed, a dump of the idempotency table shows only the status and
// the request's hash.
//
// The sealed value goes into the body column, which is already bytes on both stores (BLOB, BYTEA),
// and the header column holds "{}": no migration, and the headers (Location names ids) are sealed
// with the body. The status stays clear.

// Sealer seals the stored answers of idempotent requests; *vault.Vault is one.
type Sealer interface {
	SealAnswer(ad, plaintext []byte) []byte
	OpenAnswer(ad, sealed []byte) ([]byte, error)
	// Lookup is a keyed hash (HMAC under a key derived from the master key), for the request
	// hash stored beside each answer.
	Lookup(kind, value string) string
}

// requestHash identifies a request for its stored answer: keyed, because the content hashed is
// a registration's or a payment form's, passwords included. A plain SHA-256 of it, stored beside
// the answer, let anyone with the table try the six-digit payment passwords of a form against it.
func requestHash(s Sealer, r *http.Request, content []byte) string {
	return s.Lookup("idempotent-request", r.Method+" "+r.URL.Path+"\n"+string(content))
}

// legacyMatch reports whether an answer stored in clear by an earlier version (see openAnswer)
// was stored for this request, under that version's unkeyed hash; sealed answers never match it.
func legacyMatch(r *http.Request, a *purse.IdempotentResponse, content []byte) bool {
	if bytes.HasPrefix(a.Body, sealedMark) {
		return false
	}
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(content)))
	return a.RequestHash == hex.EncodeToString(sum[:])
}

// sealedMark starts every sealed answer. Answers stored before sealing began are JSON, HTML or
// empty, and none of those starts with a NUL byte, so the mark tells the two kinds apart.
var sealedMark = []byte("\x00purse-sealed-answer-v1\x00")

// sealAnswer replaces the answer's headers and body by one sealed value: the headers as JSON,
// length-prefixed, then the body.
func sealAnswer(s Sealer, r *http.Request, a *purse.IdempotentResponse) error {
	header, err := json.Marshal(a.Header)
	if err != nil {
		return fmt.Errorf("seal answer: %w", err)
	}
	plain := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(header)+len(a.Body)), uint64(len(header)))
	plain = append(append(plain, header...), a.Body...)
	a.Body = append(bytes.Clone(sealedMark), s.SealAnswer(answerAD(r, a), plain)...)
	a.Header = map[string]string{}
	return nil
}

// openAnswer undoes sealAnswer in place. An answer without the mark was stored by an earlier
// version in clear and is replayed as it is: it is already in clear in the table, so replaying it
// to the one caller whose scope, key and request hash match exposes nothing new, while refusing it
// would break the retries in flight across an upgrade (DESIGN.md §4.4); the prune job removes the
// last of them a day after the upgrade. A marked answer that does not open (another master key, an
// altered row, a row copied onto another scope or key) is IDEMPOTENT_ANSWER_UNREADABLE.
func openAnswer(s Sealer, r *http.Request, a *purse.IdempotentResponse) error {
	sealed, ok := bytes.CutPrefix(a.Body, sealedMark)
	if !ok {
		return nil
	}
	plain, err := s.OpenAnswer(answerAD(r, a), sealed)
	if err != nil {
		return unreadable(err)
	}
	n, k := binary.Uvarint(plain)
	if k <= 0 || n > uint64(len(plain)-k) {
		return unreadable(errors.New("sealed answer: bad header length"))
	}
	header := map[string]string{}
	if err := json.Unmarshal(plain[k:k+int(n)], &header); err != nil {
		return unreadable(fmt.Errorf("sealed answer: header: %w", err))
	}
	a.Header, a.Body = header, plain[k+int(n):]
	return nil
}

func unreadable(err error) error {
	return &purse.Error{Code: purse.CodeIdempotentAnswerUnreadable, Detail: "stored answer does not open", Err: err}
}

// answerAD binds a sealed answer to its row and request: the scope (account, operator, page
// session), the key, the method, the path, the request's hash and the status. Each field is
// length-prefixed so that no two rows share associated data.
func answerAD(r *http.Request, a *purse.IdempotentResponse) []byte {
	var ad []byte
	for _, f := range []string{a.Scope, a.Key, r.Method, r.URL.Path, a.RequestHash, strconv.Itoa(a.Status)} {
		ad = binary.AppendUvarint(ad, uint64(len(f)))
		ad = append(ad, f...)
	}
	return ad
}
