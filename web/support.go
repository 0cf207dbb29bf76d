package web

// Support are the operator's customer-service channels (IM-7): the pages that end in "contact
// customer service" (AP-8.6, AP-8.8, AP-2, the help centre) show them, so that the remedy does not
// stop at a name with no number (issue 18).
type Support struct {
	Phone string // e.g. 95188
	Chat  string // an https:// link to the online chat
}

// Any reports whether the operator named a channel.
func (s Support) Any() bool { return s.Phone != "" || s.Chat != "" }
