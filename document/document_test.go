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

// TestCertificate: long items wrap and many items run onto a second page; none is cut off
// (issue 16: the PDF cut two items off).
func TestCertificate(t *testing.T) {
	uncompressed = true
	defer func() { uncompressed = false }()
	long := "交易记录、积分、优惠券、协议及其他业务记录，依反洗钱法保留至 2031年3月2日 23:59，之后删除（retention-records=5y）"
	var lines []string
	for range 40 {
		lines = append(lines, long)
	}
	pdf, err := Certificate(CertificateData{Title: "账户注销证明", IssuedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Fields:   [][2]string{{"申请编号", "01a1fdcb-1b5a-767c-b178-b9768e1543c7"}},
		Sections: []Section{{Heading: "依法保留", Lines: append(lines, "最后一项 the last item")}},
		Footer:   []string{"核验 https://wallet.example.com/closure/verify " + strings.Repeat("x", 200)}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/Count 3")) && !bytes.Contains(pdf, []byte("/Count 2")) {
		t.Fatalf("not a PDF of several pages: %d bytes", len(pdf))
	}
	for _, want := range [][]byte{utf16be("最后一项"), utf16be("之后删除")} {
		if !bytes.Contains(pdf, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if bytes.Contains(pdf, []byte("...")) {
		t.Error("a line was cut off with an ellipsis")
	}
}
