package certificate

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/purse-wallet/purse/document"
)

// PDF renders a signed certificate as the printable closure certificate (issue 4): account, dates,
// what was erased, what is kept and until when, and the signature that `purse verify-certificate`
// checks against the JSON. It does not verify the signature; callers hand it certificates they
// issued.
func PDF(raw []byte, issuedAt time.Time) ([]byte, error) {
	var s Signed
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("certificate: not a certificate: %w", err)
	}
	var st Statement
	if err := json.Unmarshal(s.Statement, &st); err != nil {
		return nil, fmt.Errorf("certificate: statement: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil {
		return nil, fmt.Errorf("certificate: signature: %w", err)
	}
	d := document.CertificateData{AccountID: st.AccountID, ClosedAt: st.ClosedAt, IssuedAt: issuedAt,
		Erased: st.Erased, SignatureHex: hex.EncodeToString(sig), KeyID: s.KeyID}
	for _, k := range st.Kept {
		d.Kept = append(d.Kept, document.KeptRecord{What: k.What, Why: k.Why, Until: k.Until})
	}
	return document.Certificate(d)
}
