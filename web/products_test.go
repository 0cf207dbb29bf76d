package web_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// The books carry the operator's product names from its policy: Alipay's 余额宝 and 宝点 under the
// alipay preset only, Tenpay's 彩贝积分 under tenpay, what the books are under the others (issue 18).
func TestProductNamesFollowThePolicy(t *testing.T) {
	t.Parallel()
	for preset, c := range map[string]struct{ want, not []string }{
		"alipay": {want: []string{"集分宝", "余额宝", "宝点"}},
		"tenpay": {want: []string{"彩贝积分", "货币基金"}, not: []string{"集分宝", "余额宝", "宝点", "花呗"}},
		"strict": {want: []string{"积分", "货币基金", "储值余额"}, not: []string{"集分宝", "余额宝", "宝点", "花呗", "彩贝"}},
	} {
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, preset))
		u := newClient(t, e)
		u.registerUser("王五")
		p := u.get("/").expect(t, 200, c.want...)
		for _, brand := range c.not {
			if strings.Contains(p.Body, brand) {
				t.Errorf("%s: the home page names %s", preset, brand)
			}
		}
	}
}
