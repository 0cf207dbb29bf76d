package certificate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gowebpki/jcs"
)

// Kinds of statement.
const (
	KindClosure = "closure-certificate"
	KindErasure = "erasure-receipt"
)

// Version is the statement format's version (1 was the unsigned-bytes format before issue 16).
const Version = 2

// Statement is what a document states. Items and reasons are stable codes (docs/closure-api.md
// lists them; the PDF and the pages translate them); times are UTC, to the second.
type Statement struct {
	Version     int       `json:"version"`
	Kind        string    `json:"kind"`
	Issuer      string    `json:"issuer"`
	AccountID   string    `json:"account_id"`
	ClosureID   string    `json:"closure_id"`
	Policy      string    `json:"policy"`
	RequestedAt time.Time `json:"requested_at"`
	ClosedAt    time.Time `json:"closed_at"`
	IssuedAt    time.Time `json:"issued_at"`
	TimeZone    string    `json:"time_zone"` // the operator's zone, in which people read the times
	Closed      []Closed  `json:"closed"`
	Erased      []Erased  `json:"erased"`
	Kept        []Kept    `json:"kept"`
}

// Closed is something the closure ended, how many and when.
type Closed struct {
	Item  string    `json:"item"`
	Count int       `json:"count"`
	At    time.Time `json:"at"`
}

// Erased is personal data erased (At, in a receipt) or to be erased (Due, in a certificate), and
// the setting that decides when.
type Erased struct {
	Item    string     `json:"item"`
	At      *time.Time `json:"at,omitempty"`
	Due     *time.Time `json:"due,omitempty"`
	Setting string     `json:"setting,omitempty"`
}

// Kept is data kept, why, and until when (Until) or for good (Indefinite), with the setting that
// decides it.
type Kept struct {
	Item       string     `json:"item"`
	Why        string     `json:"why"`
	Until      *time.Time `json:"until,omitempty"`
	Indefinite bool       `json:"indefinite,omitempty"`
	Setting    string     `json:"setting,omitempty"`
}

// Canonical is the statement's RFC 8785 form: the bytes that are signed.
func (st *Statement) Canonical() ([]byte, error) {
	if out, ok := st.canonical(); ok {
		return out, nil
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(raw)
}

// Parse reads a statement from its canonical JSON, refusing any other form, unknown fields and
// another version.
func Parse(payload []byte) (*Statement, error) {
	canon, err := jcs.Transform(payload)
	if err != nil || !bytes.Equal(canon, payload) {
		return nil, fmt.Errorf("certificate: the payload is not canonical JSON (RFC 8785)")
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	var st Statement
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("certificate: statement: %w", err)
	}
	if st.Version != Version || (st.Kind != KindClosure && st.Kind != KindErasure) {
		return nil, fmt.Errorf("certificate: unknown statement version %d kind %q", st.Version, st.Kind)
	}
	return &st, nil
}

// sec truncates to the second, in UTC: what a statement records.
func sec(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func ptr(t time.Time) *time.Time { t = sec(t); return &t }
