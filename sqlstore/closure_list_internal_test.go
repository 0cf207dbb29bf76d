package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/purse-wallet/purse"
)

// The empty list's short cut reads and writes what json does: "[]" for an empty list, an empty
// non-nil list back, and every other text through json.
func TestClosureListsAsJSON(t *testing.T) {
	for _, l := range [][]purse.Blocker{{}, {{Code: purse.CodeBalanceNotZero}}} {
		got, err := marshalList(l)
		want, _ := json.Marshal(l)
		if err != nil || got != string(want) {
			t.Errorf("marshalList(%v) = %s, %v; want %s", l, got, err, want)
		}
		var back, viaJSON []purse.Blocker
		if err := unmarshalList(got, &back); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(want, &viaJSON)
		if !reflect.DeepEqual(back, viaJSON) || back == nil {
			t.Errorf("unmarshalList(%s) = %#v, want %#v", got, back, viaJSON)
		}
	}
	var f []string
	if err := unmarshalList("null", &f); err != nil || f != nil {
		t.Errorf(`unmarshalList("null") = %#v, %v; want nil as json reads it`, f, err)
	}
}
