package purse_test

import (
	"testing"

	"github.com/purse-wallet/purse"
)

func TestCheckText(t *testing.T) {
	for _, ok := range []string{"", "王小明", "Li Lei", "O'Brien-Smith", "👨‍👩‍👧 家", "مرحبا", "备注: 房租 3 月"} {
		if err := purse.CheckText("name", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"a\nb", "a\rb", "a\tb", "\x00", "a\x7f", "a\u0085b", "a\u2028b", "a\u2029", "\u202Eevil", "x\u2066y", "\x1b[31m"} {
		err := purse.CheckText("name", bad)
		if purse.ErrorCode(err) != purse.CodeTextControl {
			t.Errorf("%q: %v, want %s", bad, err, purse.CodeTextControl)
		}
	}
	err := purse.CheckTexts("bank", "ok", "holder_name", "a\nb", "memo", "c\td")
	e := purse.AsError(err)
	if e == nil || len(e.Fields) != 2 || e.Fields[0].Field != "holder_name" || e.Fields[1].Field != "memo" {
		t.Fatalf("CheckTexts: %#v", err)
	}
}
