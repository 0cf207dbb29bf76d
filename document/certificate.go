package document

import (
	"fmt"
	"time"

	qrcode "github.com/piglig/go-qr"
)

// CertificateData is a signed document (closure certificate or erasure receipt) as its reader
// sees it: every label and item already in the reader's language and every time in the
// operator's zone. The certificate package fills it from the signed statement.
type CertificateData struct {
	Title    string
	Fields   [][2]string // label, value: request, policy, account, times, key id
	Sections []Section
	Footer   []string // how to verify: the link and the key id
	IssuedAt time.Time
	// QR, if set, is a URL drawn as a QR code under the footer (where to fetch and verify the
	// signed document), with QRCaption beside it.
	QR        string
	QRCaption string
}

// Section is a heading and its lines.
type Section struct {
	Heading string
	Lines   []string
}

// Certificate renders a signed document as a PDF. Long lines wrap and pages break as needed:
// nothing the statement says is cut off.
func Certificate(d CertificateData) ([]byte, error) {
	p := newPage(d.IssuedAt, d.Title)
	p.size = 16
	p.text(15, 15, 180, 8, d.Title, false)
	p.size = 10
	y := 30.0
	for _, f := range d.Fields {
		lines := p.wrap(f[1], 125)
		y = p.room(y, 6.5*float64(len(lines)))
		p.text(15, y, 55, 6, f[0], false)
		for _, l := range lines {
			p.text(70, y, 125, 6, l, false)
			y += 6.5
		}
	}
	for _, s := range d.Sections {
		y = p.room(y+4, 13)
		p.size = 11
		p.text(15, y, 180, 6, s.Heading, false)
		p.size = 10
		y += 7
		for _, l := range s.Lines {
			for i, part := range p.wrap(l, 172) {
				y = p.room(y, 6)
				prefix := "- "
				if i > 0 {
					prefix = "  "
				}
				p.text(20, y, 175, 6, prefix+part, false)
				y += 6
			}
		}
	}
	y += 4
	p.size = 9
	for _, l := range d.Footer {
		for _, part := range p.wrap(l, 180) {
			y = p.room(y, 5.5)
			p.text(15, y, 180, 5, part, false)
			y += 5.5
		}
	}
	if d.QR != "" {
		if err := p.qr(d.QR, d.QRCaption, y+3); err != nil {
			return nil, err
		}
	}
	return p.bytes()
}

// qrSide is the QR code's side in millimetres: a phone reads it from paper at arm's length.
const qrSide = 32.0

// qr draws url as a QR code (error correction M) at the left margin from y, as vector squares,
// with the caption and the URL beside it.
func (p *page) qr(url, caption string, y float64) error {
	code, err := qrcode.EncodeText(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("document: QR code: %w", err)
	}
	y = p.room(y, qrSide+2)
	n := code.Size() + 8 // four modules of quiet zone each side
	m := qrSide / float64(n)
	p.pdf.SetFillColor(0, 0, 0)
	for yy := range code.Size() {
		for xx := range code.Size() {
			if code.Module(xx, yy) {
				p.pdf.Rect(15+float64(xx+4)*m, y+float64(yy+4)*m, m, m, "F")
			}
		}
	}
	p.size = 9
	ty := y + 6
	for _, part := range p.wrap(caption, 140) {
		p.text(15+qrSide+3, ty, 140, 5, part, false)
		ty += 5.5
	}
	for _, part := range p.wrap(url, 140) {
		p.text(15+qrSide+3, ty, 140, 5, part, false)
		ty += 5.5
	}
	return nil
}

// room starts a new page when h more millimetres do not fit below y, and returns where to write.
func (p *page) room(y, h float64) float64 {
	if y+h <= 297-15 {
		return y
	}
	p.pdf.AddPage()
	return 15
}

// wrap splits s into lines no wider than w, between words where it can (Latin text) and between
// characters elsewhere (Chinese has no spaces).
func (p *page) wrap(s string, w float64) []string {
	var out []string
	rs := []rune(s)
	for len(rs) > 0 {
		if p.width(string(rs)) <= w {
			out = append(out, string(rs))
			break
		}
		n := 1
		for n < len(rs) && p.width(string(rs[:n+1])) <= w {
			n++
		}
		cut := n
		for i := n; i > n/2; i-- { // prefer the last space in the line's second half
			if rs[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, string(rs[:cut]))
		for cut < len(rs) && rs[cut] == ' ' {
			cut++
		}
		rs = rs[cut:]
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
