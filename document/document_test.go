package document

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func TestRuns(t *testing.T) {
	got := strings.Join(runs("余额 CNY 12.50 转账"), "|")
	if got != "余额| CNY 12.50 |转账" {
		t.Fatalf("runs: %q", got)
	}
}

// TestStatementChinese renders a statement uncompressed and checks the CJK font is embedded and
// the Chinese text is in the page as Unicode for that font.
func TestStatementChinese(t *testing.T) {
	// Not parallel: it switches compression off for the package.
	rows := [][]string{{"2026-03-02 09:00", "充值", "余额", "100.00", "CNY", "工资"}}
	for i := range 120 { // three pages
		rows = append(rows, []string{"2026-03-03 10:00", "转账", "余额", "-1.00", "CNY", strings.Repeat("备注", i%5)})
	}
	i := 0
	var out bytes.Buffer
	uncompressed = true
	defer func() { uncompressed = false }()
	err := WriteStatement(&out, Statement{
		Title: "钱包对账单", Fields: [][2]string{{"账户", "01a1"}, {"户名", "张三"}},
		Columns: []string{"时间", "类型", "账本", "金额", "币种", "备注"}, Empty: "无", Created: time.Unix(0, 0),
		Totals: func() [][2]string { return [][2]string{{"合计 CNY", "-20.00"}} },
	}, func() ([]string, bool, error) {
		if i == len(rows) {
			return nil, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pdf := out.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	for _, want := range [][]byte{[]byte("/FontFile2"), []byte("/Count 3"), utf16be("钱包对账单"), utf16be("张三"), utf16be("工资")} {
		if !bytes.Contains(pdf, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}

func TestCertificate(t *testing.T) {
	t.Parallel()
	pdf, err := Certificate(CertificateData{AccountID: "01a1fdcb-1b5a-767c-b178-b9768e1543c7",
		ClosedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), IssuedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Erased: []string{"姓名 name", "手机号 phone"}, Kept: []KeptRecord{{What: "交易记录 transactions",
			Why: "反洗钱法 AML law", Until: time.Date(2031, 3, 2, 0, 0, 0, 0, time.UTC)}},
		SignatureHex: strings.Repeat("ab", 64), KeyID: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 1000 {
		t.Fatalf("not a PDF: %d bytes", len(pdf))
	}
}
