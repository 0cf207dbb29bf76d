package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	osexec "os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/sqlstore"
)

func rebind(e *apitest.Env, q string) string {
	if e.Dialect != "postgres" {
		return q
	}
	return sqlstore.Numbered(q)
}

func exec(t testing.TB, e *apitest.Env, q string, args ...any) {
	t.Helper()
	if _, err := e.DB.SQL().Exec(rebind(e, q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// fill writes n settled top-ups of 1.00 CNY to the account with one SQL statement per table (a
// recursive series works on both engines), the way the ledger engine would have written them
// over time: one a minute from the clock's start.
func fill(t testing.TB, e *apitest.Env, accountID string, n int, memo string) {
	t.Helper()
	start := e.Clock.Now().UnixMicro()
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) `
	exec(t, e, series+`INSERT INTO ledger_transactions (id, kind, status, account_id, amount, currency, memo, created_at, settled_at)
		SELECT ? || '-' || CAST(i AS TEXT), 'topup', 'settled', ?, 100, 'CNY', ?, CAST(? AS BIGINT) + i * CAST(60000000 AS BIGINT), CAST(? AS BIGINT) + i * CAST(60000000 AS BIGINT) FROM s`,
		n, accountID, accountID, memo, start, start)
	exec(t, e, series+`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
		SELECT ? || '-' || CAST(i AS TEXT), ?, 'balance', 'CNY', 100, CAST(? AS BIGINT) + i * CAST(60000000 AS BIGINT) FROM s`, n, accountID, accountID, start)
	exec(t, e, series+`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
		SELECT ? || '-' || CAST(i AS TEXT), 'operator:bank', 'operator', 'CNY', -100, CAST(? AS BIGINT) + i * CAST(60000000 AS BIGINT) FROM s`, n, accountID, start)
}

func TestCSV(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("csv@example.com")
		other := e.SignUp("")
		fill(t, e, u.ID, 3, "=HYPERLINK(\"x\") 工资")
		fill(t, e, other.ID, 2, "not yours")

		e.Call("GET", "/api/v1/exports/transactions.csv", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")

		res := e.Call("GET", "/api/v1/exports/transactions.csv", nil, u.Header()...).Expect(t, 200)
		if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
		if !bytes.HasPrefix(res.Body, []byte("\xEF\xBB\xBF")) {
			t.Fatal("no UTF-8 byte-order mark")
		}
		rows, err := csv.NewReader(bytes.NewReader(res.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "时间" || rows[0][5] != "金额" {
			t.Fatalf("rows: %q", rows)
		}
		for _, r := range rows[1:] {
			if !strings.HasPrefix(r[1], u.ID) || r[5] != "1.00" || r[6] != "CNY" || r[8] != "'=HYPERLINK(\"x\") 工资" {
				t.Errorf("row %q", r)
			}
		}
		res = e.Call("GET", "/api/v1/exports/transactions.csv", nil, append(u.Header(), "Accept-Language", "en")...).Expect(t, 200)
		if !bytes.HasPrefix(res.Body, []byte("\xEF\xBB\xBFTime,Transaction,")) {
			t.Errorf("English heading: %q", res.Body[:40])
		}
	})
}

func TestStatement(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("pdf@example.com")
		fill(t, e, u.ID, 5, "奶茶")
		path := "/api/v1/exports/statement.pdf?from=2026-03-01&to=2026-03-31"
		e.Call("GET", path, nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		for _, bad := range []string{"from=2026-03-31&to=2026-03-01", "from=2025-01-01&to=2026-03-01", "from=2026-02-30&to=2026-03-01"} {
			e.Call("GET", "/api/v1/exports/statement.pdf?"+bad, nil, u.Header()...).ExpectProblem(t, 422, "EXPORT_RANGE_INVALID")
		}
		e.Call("GET", "/api/v1/exports/statement.pdf?from=x&to=y", nil, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		res := e.Call("GET", path, nil, u.Header()...).Expect(t, 200)
		if !bytes.HasPrefix(res.Body, []byte("%PDF-")) || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("not a PDF: %q", res.Body[:min(20, len(res.Body))])
		}
		// Past the row cap the statement stops (and says so) instead of growing in memory.
		e.App.Exports.MaxStatementRows = 2
		var b bytes.Buffer
		if err := e.App.Exports.Statement(context.Background(), &b, u.ID, "zh-CN", e.Clock.Now().Add(-time.Hour),
			e.Clock.Now().Add(24*time.Hour)); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatalf("capped statement: %v", err)
		}
	})
}

func TestTakeout(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("takeout@example.com")
		fill(t, e, u.ID, 4, "")
		exec(t, e, `INSERT INTO cards (id, account_id, bank, number_sealed, holder_sealed, last4, status, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, purse.NewID(), u.ID, "ICBC", []byte("sealed-number-bytes"), nil, "3445", "bound", 1)
		exec(t, e, `INSERT INTO coupons (id, account_id, title, amount, currency, status, expires_at, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, purse.NewID(), u.ID, "满100减10", 1000, "CNY", "unused", 2, 1)
		e.Call("GET", "/api/v1/exports/takeout.zip", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		res := e.Call("GET", "/api/v1/exports/takeout.zip", nil, u.Header()...).Expect(t, 200)
		z, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(r)
			r.Close()
		}
		for _, name := range []string{"profile.json", "books.json", "coupons.json", "cards.json", "agreements.json",
			"linked_accounts.json", "closures.json", "audit.json", "transactions.csv", "statement.pdf"} {
			if _, ok := files[name]; !ok {
				t.Errorf("archive lacks %s", name)
			}
		}
		var profile purse.Account
		if err := json.Unmarshal(files["profile.json"], &profile); err != nil || profile.Phone != u.Phone || profile.Email != u.Email {
			t.Errorf("profile %+v %v", profile, err)
		}
		if !bytes.Contains(files["cards.json"], []byte(`"3445"`)) || bytes.Contains(files["cards.json"], []byte("sealed")) {
			t.Errorf("cards not masked: %s", files["cards.json"])
		}
		if !bytes.Contains(files["coupons.json"], []byte("满100减10")) {
			t.Errorf("coupons: %s", files["coupons.json"])
		}
		if n := bytes.Count(files["transactions.csv"], []byte("\n")); n != 5 {
			t.Errorf("transactions.csv has %d lines, want heading and 4", n)
		}
		if !bytes.HasPrefix(files["statement.pdf"], []byte("%PDF-")) {
			t.Error("statement.pdf is not a PDF")
		}
	})
}

// peak samples the live heap (after a collection) as the export writes, every 10,000 lines.
type peak struct {
	lines, bytes int
	samples      []uint64
}

func (p *peak) Write(b []byte) (int, error) {
	before := p.lines / 10000
	p.lines += bytes.Count(b, []byte("\n"))
	p.bytes += len(b)
	if p.lines/10000 != before {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.samples = append(p.samples, m.HeapAlloc)
	}
	return len(b), nil
}

// TestCSVBoundedMemory exports 100,000 transactions and checks the live heap stays far below the
// size of the export: the CSV streams from the store in pages instead of being built in memory.
func TestCSVBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 transactions")
	}
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	start := time.Now()
	fill(t, e, u.ID, 100000, "早餐 breakfast")
	t.Logf("filled in %v", time.Since(start).Round(time.Millisecond))
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	// What filling the store left behind is collected here, before the first sample.
	t.Logf("live heap before the export: %.2f MiB", float64(m.HeapAlloc)/(1<<20))
	p := &peak{}
	start = time.Now()
	if err := e.App.Exports.CSV(context.Background(), p, u.ID, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	if p.lines != 100001 {
		t.Fatalf("%d lines, want 100,001", p.lines)
	}
	// Had the export been built in memory, the live heap would grow by about a tenth of the
	// output between consecutive samples; streamed, it stays flat.
	lo, hi := slices.Min(p.samples), slices.Max(p.samples)
	t.Logf("exported %d lines, %.1f MiB in %v; live heap at each 10,000 lines between %.2f and %.2f MiB",
		p.lines, float64(p.bytes)/(1<<20), time.Since(start).Round(time.Millisecond), float64(lo)/(1<<20), float64(hi)/(1<<20))
	if len(p.samples) != 10 || hi-lo > 2<<20 || p.bytes < 10<<20 {
		t.Fatalf("live heap ranged %d..%d bytes while writing %d: not streaming", lo, hi, p.bytes)
	}
}

// BenchmarkCSV reports the allocations of exporting 10,000 transactions (run with -benchmem).
func BenchmarkCSV(b *testing.B) {
	e := apitest.New(b, "sqlite")
	u := e.SignUp("")
	fill(b, e, u.ID, 10000, "早餐")
	b.ReportAllocs()
	for b.Loop() {
		if err := e.App.Exports.CSV(context.Background(), io.Discard, u.ID, "zh-CN"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000), "rows/op")
}

// TestOpenAPI checks the export and legal-hold routes are described with their media types.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	body := string(e.Call("GET", "/api/openapi.json", nil).Expect(t, 200).Body)
	for _, want := range []string{`"/api/v1/exports/transactions.csv"`, `"/api/v1/exports/statement.pdf"`,
		`"/api/v1/exports/takeout.zip"`, `"/api/v1/admin/accounts/{id}/legal-hold"`, `"text/csv"`, `"application/pdf"`, `"application/zip"`} {
		if !strings.Contains(body, want) {
			t.Errorf("OpenAPI lacks %s", want)
		}
	}
}

// movement writes one ledger transaction and its postings straight to the tables, as the ledger
// engine would have: legs are owner, book, amount; the last leg's amount is the movement's.
func movement(t testing.TB, e *apitest.Env, kind, status, starter, counterparty, memo string, at time.Time, legs ...any) {
	t.Helper()
	id := purse.NewID()
	exec(t, e, `INSERT INTO ledger_transactions (id, kind, status, account_id, counterparty, amount, currency, memo, created_at)
		VALUES (?,?,?,?,?,?,?,?,?)`, id, kind, status, starter, counterparty, legs[len(legs)-1], "CNY", memo, at.UnixMicro())
	for i := 0; i < len(legs); i += 3 {
		exec(t, e, `INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at)
			VALUES (?,?,?,?,?,?)`, id, legs[i], legs[i+1], "CNY", legs[i+2], at.UnixMicro())
	}
}

// pdfText is the text of a PDF as poppler's pdftotext reads it: what a reader sees, glyphs
// mapped back to characters. CI installs poppler-utils (.ci/run).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := osexec.LookPath("pdftotext"); err != nil {
		if os.Getenv("PURSE_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is required (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	cmd := osexec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestStatementReadsAsWritten (issue 18): the statement said "topup" and "settled" on a Chinese
// page, had no status column (a pending withdrawal looked done), no opening or closing balance, a
// missing-glyph box for the period's dash, and an incoming transfer named the account itself as
// the other party (the CSV too). Now every word is in the reader's language, each book has its
// opening balance, change and closing balance, and the other party is the sender.
func TestStatementReadsAsWritten(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u, sender := e.SignUp("statement@example.com"), e.SignUp("")
		from := e.Clock.Now().Add(time.Hour)
		fill(t, e, u.ID, 3, "before the period") // opening balance 3.00
		movement(t, e, "transfer", "settled", sender.ID, u.ID, "午饭", from.Add(time.Minute),
			sender.ID, "balance", int64(-500), u.ID, "balance", int64(500))
		movement(t, e, "withdrawal", "pending", u.ID, "", "", from.Add(2*time.Minute),
			u.ID, "balance", int64(-200), "operator:bank", "operator", int64(200))
		to := from.Add(24 * time.Hour)
		read := func(lang string) string {
			var b bytes.Buffer
			if err := e.App.Exports.Statement(context.Background(), &b, u.ID, lang, from, to); err != nil {
				t.Fatal(err)
			}
			return pdfText(t, b.Bytes())
		}
		zh := read("zh-CN")
		for _, want := range []string{"期初余额", "本期变动", "期末余额", "转账", "提现", "处理中", "已完成", " 至 ",
			"3.00 CNY", "+3.00 CNY", "6.00 CNY", "…" + sender.ID[len(sender.ID)-12:]} {
			if !strings.Contains(zh, want) {
				t.Errorf("Chinese statement lacks %q:\n%s", want, zh)
			}
		}
		for _, raw := range []string{"transfer", "withdrawal", "settled", "pending", "balance"} {
			if strings.Contains(zh, raw) {
				t.Errorf("Chinese statement shows the raw word %q:\n%s", raw, zh)
			}
		}
		if n := strings.Count(zh, u.ID[len(u.ID)-12:]); n != 1 { // the account field; no row names the account itself
			t.Errorf("the account's own id appears %d times:\n%s", n, zh)
		}
		en := read("en")
		for _, want := range []string{"Opening balance", "Closing balance", "Transfer", "Pending", " to "} {
			if !strings.Contains(en, want) {
				t.Errorf("English statement lacks %q:\n%s", want, en)
			}
		}
		res := e.Call("GET", "/api/v1/exports/transactions.csv", nil, u.Header()...).Expect(t, 200)
		rows, err := csv.NewReader(bytes.NewReader(res.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			if r[2] == "transfer" && r[7] != sender.ID {
				t.Errorf("CSV transfer row names %q as the other party, want the sender %s", r[7], sender.ID)
			}
		}
	})
}
