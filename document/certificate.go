package document

import (
	"time"
)

// CertificateData is what a closure certificate states. The closure engine fills it from the
// closure it completed and signs its JSON; SignatureHex is that signature, printed so that the
// holder can have it checked later.
type CertificateData struct {
	AccountID    string       `json:"account_id"`
	ClosedAt     time.Time    `json:"closed_at"`
	IssuedAt     time.Time    `json:"issued_at"`
	Erased       []string     `json:"erased"` // what was or will be erased, e.g. "姓名 / name"
	Kept         []KeptRecord `json:"kept"`   // what is kept and until when
	SignatureHex string       `json:"signature_hex"`
	KeyID        string       `json:"key_id,omitempty"` // which signing key, for verification
}

// KeptRecord is one kind of record kept after closure, with the rule and the date it ends.
type KeptRecord struct {
	What  string    `json:"what"`
	Why   string    `json:"why"`
	Until time.Time `json:"until"`
}

// Certificate renders a closure certificate as a PDF. The labels are bilingual (Chinese and
// English), since the certificate may be shown to either kind of authority. It fails only if the
// PDF cannot be produced.
func Certificate(d CertificateData) ([]byte, error) {
	p := newPage(d.IssuedAt, "账户注销证明 Account Closure Certificate")
	p.size = 16
	p.text(15, 15, 180, 8, "账户注销证明 Account Closure Certificate", false)
	p.size = 10
	y := 30.0
	line := func(label, value string) {
		p.text(15, y, 55, 6, label, false)
		p.text(70, y, 125, 6, value, false)
		y += 6.5
	}
	line("账户 Account", d.AccountID)
	line("注销时间 Closed at", d.ClosedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	line("签发时间 Issued at", d.IssuedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	y += 4
	p.text(15, y, 180, 6, "已删除或将删除的信息 Erased", false)
	y += 7
	for _, e := range d.Erased {
		p.text(20, y, 175, 6, "- "+e, false)
		y += 6
	}
	y += 4
	p.text(15, y, 180, 6, "依法保留的记录 Kept by law", false)
	y += 7
	for _, k := range d.Kept {
		p.text(20, y, 80, 6, "- "+k.What, false)
		p.text(100, y, 60, 6, k.Why, false)
		p.text(160, y, 35, 6, k.Until.UTC().Format("2006-01-02"), true)
		y += 6
	}
	y += 6
	p.text(15, y, 180, 6, "签名 Signature"+keyLabel(d.KeyID), false)
	y += 7
	p.size = 8
	sig := d.SignatureHex
	for len(sig) > 0 {
		n := min(64, len(sig))
		p.text(20, y, 175, 5, sig[:n], false)
		sig = sig[n:]
		y += 5
	}
	return p.bytes()
}

func keyLabel(id string) string {
	if id == "" {
		return ""
	}
	return " (" + id + ")"
}
