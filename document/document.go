// Package document renders purse's PDF documents: the account statement (TP-1, IM-3) and the
// closure certificate. Chinese text is set in an embedded CJK TrueType font, so a PDF reads the
// same on every machine whatever fonts it has.
package document

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/DroidSansFallbackFull.ttf
var cjkFont []byte

const (
	cjk   = "droid" // the embedded CJK font
	latin = "Helvetica"
)

// page is an A4 document being written, with the font size of its text.
type page struct {
	pdf  *fpdf.Fpdf
	size float64
}

// uncompressed makes tests able to look for text in the page streams.
var uncompressed bool

func newPage(created time.Time, title string) *page {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(!uncompressed)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle(title, true)
	pdf.SetCreator("purse", false)
	pdf.AddUTF8FontFromBytes(cjk, "", cjkFont)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(false, 15)
	pdf.AddPage()
	return &page{pdf: pdf, size: 10}
}

// runs splits s into runs of ASCII and of other characters: the CJK font has no Latin glyphs and
// the core font no CJK ones.
func runs(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && (r < utf8.RuneSelf) != (s[start] < utf8.RuneSelf) {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func (p *page) font(run string) {
	if run != "" && run[0] < utf8.RuneSelf {
		p.pdf.SetFont(latin, "", p.size)
	} else {
		p.pdf.SetFont(cjk, "", p.size)
	}
}

func (p *page) width(s string) float64 {
	w := 0.0
	for _, r := range runs(s) {
		p.font(r)
		w += p.pdf.GetStringWidth(r)
	}
	return w
}

// fit shortens s with an ellipsis until it fits in w.
func (p *page) fit(s string, w float64) string {
	if p.width(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && p.width(string(rs)+"...") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "..."
}

// text writes s at (x, y) in a box w wide, left or right aligned, on one line.
func (p *page) text(x, y, w, h float64, s string, right bool) {
	s = p.fit(s, w)
	if right {
		x += w - p.width(s)
	}
	p.pdf.SetXY(x, y)
	for _, r := range runs(s) {
		p.font(r)
		p.pdf.CellFormat(p.pdf.GetStringWidth(r), h, r, "", 0, "L", false, 0, "")
	}
}

func (p *page) output(w io.Writer) error {
	if err := p.pdf.Error(); err != nil {
		return fmt.Errorf("document: %w", err)
	}
	if err := p.pdf.Output(w); err != nil {
		return fmt.Errorf("document: %w", err)
	}
	return nil
}

func (p *page) bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := p.output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
