package document

import (
	"io"
	"time"
)

// Statement is an account statement for a period, with its labels already in the reader's
// language: the document package knows layout, not languages.
type Statement struct {
	Title   string
	Fields  [][2]string // label, value: account, holder, period, generated
	Columns []string    // headings of Rows, seven: time, kind, status, book, amount, other party, memo
	Empty   string      // shown when there are no rows
	// Totals returns label, value lines for after the table; it is called once every row was
	// written, so a caller can sum the rows as they pass. nil for none.
	Totals    func() [][2]string
	Created   time.Time
	NoteAfter string // a line at the end, e.g. how the totals were computed
}

// columns are the widths (mm) of the seven columns, 180 in all; the amount (amountColumn) is
// right aligned.
var columns = []float64{28, 26, 16, 22, 30, 30, 28}

const amountColumn = 4

// WriteStatement renders the statement to w, taking its rows from next until next returns false
// or an error, so a caller can read them from the store page by page. fpdf holds the document in
// memory until it is written: callers bound the period (and so the rows).
func WriteStatement(w io.Writer, s Statement, next func() ([]string, bool, error)) error {
	p := newPage(s.Created, s.Title)
	p.size = 16
	p.text(15, 15, 180, 8, s.Title, false)
	p.size = 10
	y := 27.0
	for _, f := range s.Fields {
		p.text(15, y, 30, 6, f[0], false)
		p.text(45, y, 150, 6, f[1], false)
		y += 6
	}
	y += 4
	header := func() {
		p.size = 9
		x := 15.0
		for i, c := range s.Columns {
			p.text(x, y, columns[i]-2, 6, c, i == amountColumn)
			x += columns[i]
		}
		p.pdf.Line(15, y+6.5, 195, y+6.5)
		y += 8
	}
	header()
	rows := 0
	for {
		row, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if y > 275 {
			p.pdf.AddPage()
			y = 15
			header()
		}
		x := 15.0
		for i, c := range row {
			if i < len(columns) {
				p.text(x, y, columns[i]-2, 5.5, c, i == amountColumn)
				x += columns[i]
			}
		}
		y += 5.5
		rows++
	}
	if rows == 0 {
		p.text(15, y, 180, 6, s.Empty, false)
		y += 6
	}
	p.pdf.Line(15, y+1, 195, y+1)
	y += 3
	p.size = 10
	var totals [][2]string
	if s.Totals != nil {
		totals = s.Totals()
	}
	for _, t := range totals {
		if y > 280 {
			p.pdf.AddPage()
			y = 15
		}
		p.text(15, y, 110, 6, t[0], false)
		p.text(125, y, 70, 6, t[1], true)
		y += 6
	}
	if s.NoteAfter != "" {
		p.size = 8
		p.text(15, y+2, 180, 5, s.NoteAfter, false)
	}
	return p.output(w)
}
