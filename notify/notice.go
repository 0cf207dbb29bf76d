package notify

import "github.com/purse-wallet/purse"

// ForAccount addresses a notice to an account as AP-5 asks: by e-mail when it has an address, else
// by SMS to its phone, in the account's language. ok is false when the account has neither (a
// purged account: there is nobody left to tell).
func ForAccount(a *purse.Account, template string, data map[string]string) (n Notice, ok bool) {
	n = Notice{AccountID: a.ID, Template: template, Language: a.Language, Data: data}
	switch {
	case a.Email != "":
		n.Channel, n.To = purse.ChannelEmail, a.Email
	case a.Phone != "":
		n.Channel, n.To = purse.ChannelSMS, a.Phone
	default:
		return n, false
	}
	return n, true
}
