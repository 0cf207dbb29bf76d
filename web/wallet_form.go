package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/wallet"
)

// moneyForm is one form of a money page. Its inputs are named plainly (amount, card, to…); the
// page knows which form was posted (moneyData.Posted) and shows the errors in that one only.
type moneyForm struct {
	ID       string // the form's id; its success notice is ww_done_<ID>
	Action   string
	Button   string // a message id
	Card     bool   // choose a bound card
	Amount   bool   // an amount in yuan
	Units    bool   // an amount in whole units (points, stored value)
	Transfer bool   // recipient, memo and payment password
	Bind     bool   // bank, card number and holder
	PIN      bool   // the payment password, required (withdrawals, binding a card: issue 13)
	Code     bool   // the SMS code sent to the bound phone (binding a card)
	Note     string // a message id shown under the form
	NoteText string // or a note already in the reader's language, when it has parameters
	Danger   bool
	Token    string // the one-time form token (wallet_once.go), fresh on every render
}

// moneyData is a money page: its books, the account's cards where a form needs one, its forms,
// and the way back to the closure request the user came from (AP-3).
type moneyData struct {
	Key     string // ww_<Key>_title, ww_<Key>_lead
	Books   []walletBook
	Cards   []purse.Card
	Forms   []moneyForm
	Posted  string // the form whose errors are shown
	Done    string // the form that just succeeded
	Closure string
	Next    string // the money page to return to after binding a card (cards page only)
	Path    string // this page, for the card page's way back
	Above   string // the transfer amount above which the payment password is needed
	Credit  *creditView
}

// creditView is the credit line's state on its page.
type creditView struct {
	Open      bool
	Limit     string
	Available string // what may still be drawn
	Debt      int64
}

// openCredit is the view of an open line with its debt.
func openCredit(line *purse.CreditLine, debt int64) *creditView {
	return &creditView{Open: true, Limit: yuan(line.Limit), Available: yuan(max(line.Limit-debt, 0)), Debt: debt}
}

// NeedsCard reports whether some form needs a bound card.
func (d *moneyData) NeedsCard() bool {
	for _, f := range d.Forms {
		if f.Card {
			return true
		}
	}
	return false
}

// moneyPage builds a page's data for the account.
type moneyPage func(ctx context.Context, lang string, a *purse.Account) (*moneyData, error)

// fieldOf is the form field an error of the wallet belongs to; "" for the whole form.
var fieldOf = map[purse.Code]string{
	purse.CodeAmountInvalid:           "amount",
	purse.CodeInsufficientFunds:       "amount",
	purse.CodeRepaymentExceedsDebt:    "amount",
	purse.CodeCreditLimitExceeded:     "amount",
	purse.CodeBalanceLimit:            "amount",
	purse.CodePointsUnit:              "amount",
	purse.CodeCardNumberInvalid:       "number",
	purse.CodeRecipientNotFound:       "to",
	purse.CodeTransferToSelf:          "to",
	purse.CodePaymentPasswordNeeded:   "payment_password",
	account.CodePaymentPasswordWrong:  "payment_password",
	account.CodePaymentPasswordLocked: "payment_password",
	wallet.CodeCardHolderMismatch:     "holder",
	wallet.CodeSMSCodeRequired:        "sms_code",
	purse.CodeOTPInvalid:              "sms_code",
	purse.CodeOTPExpired:              "sms_code",
}

// formError is a form input the page itself refuses before asking the wallet.
type formError struct{ field, message string }

func (e *formError) Error() string { return e.field + ": " + e.message }

// showMoney renders a money page: after a GET, after a success (?done=), or again after a
// refused post with its errors.
func (h *Handler) showMoney(w http.ResponseWriter, r *http.Request, build moneyPage, v *view, status int) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if h.Wallet == nil {
		h.remedyInfo(w, r) // the ledger is not wired in: the remedies keep their explanation
		return
	}
	d, err := build(r.Context(), lang(r), a)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Closure, d.Next, d.Path = backTo(r), nextPage(r), r.URL.Path
	withTokens(d)
	if v == nil {
		v = h.newView(r, "ww_"+d.Key+"_title")
		// Only a notice the catalog knows: the parameter comes from the address bar.
		if done := r.URL.Query().Get("done"); done != "" && h.Catalog.Has(v.Lang, "ww_done_"+done) {
			d.Done = done
		}
	} else {
		v.Title = "ww_" + d.Key + "_title"
	}
	v.Data = d
	h.render(w, r, status, "wallet", v)
}

// moneyPost runs a form's action after the CSRF check. A refused action shows the page again with
// the error next to its field, in the reader's language; a card or line of another account is a
// 404 page; a success goes back to the page with its notice, keeping the way back to the closure.
// The action runs once per one-time form token (wallet_once.go): a form sent again is answered as
// the first time, and a form without its token is refused like one without its CSRF token.
func (h *Handler) moneyPost(w http.ResponseWriter, r *http.Request, page string, build moneyPage, form string,
	do func(ctx context.Context, a *purse.Account) error) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if h.Wallet == nil {
		h.notFound(w, r)
		return
	}
	v := h.newView(r, "")
	if !h.checkCSRF(r) || (formToken(r) == "" && !untokened[form]) {
		v.Error = v.T("web_form_expired")
		h.showMoney(w, r, build, v, http.StatusForbidden)
		return
	}
	if untokened[form] {
		h.moneyRun(w, r, a, v, page, build, form, do)
		return
	}
	h.once(w, r, a, build, func(w http.ResponseWriter, r *http.Request) {
		h.moneyRun(w, r, a, v, page, build, form, do)
	})
}

// moneyRun runs the form's action, inside the transaction of its form token.
func (h *Handler) moneyRun(w http.ResponseWriter, r *http.Request, a *purse.Account, v *view, page string,
	build moneyPage, form string, do func(ctx context.Context, a *purse.Account) error) {
	err := do(r.Context(), a)
	if err == nil {
		to := page + "?done=" + form
		if next := nextPage(r); next != "" && form == "code" {
			to += "&next=" + url.QueryEscape(next) // the code is a step on the way: binding comes next
		} else if next != "" {
			to = next + "?done=" + form // a card bound on the way to a withdrawal goes back to it
		}
		if id := backTo(r); id != "" {
			to += "&closure=" + id
		}
		seeOther(w, r, to)
		return
	}
	if purse.ErrorCode(err) == purse.CodeNotFound {
		h.serveError(w, r, err)
		return
	}
	v.Form = map[string]string{"amount": r.PostFormValue("amount"), "card": r.PostFormValue("card"),
		"to": r.PostFormValue("to"), "memo": r.PostFormValue("memo"), "bank": r.PostFormValue("bank"),
		"holder": r.PostFormValue("holder")}
	v.Fields = map[string]string{}
	status := http.StatusUnprocessableEntity
	if fe, ok := err.(*formError); ok {
		v.Fields[fe.field] = v.T(fe.message)
	} else {
		status = statusOf(err)
		msg := h.message(r, localBook(r, h, err))
		if f := fieldOf[purse.ErrorCode(err)]; f != "" {
			v.Fields[f] = msg
		} else {
			v.Error = msg
		}
	}
	h.showMoney(w, r, func(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
		d, err := build(ctx, lang, a)
		if d != nil {
			d.Posted = form
		}
		return d, err
	}, v, status)
}

// localBook names the book of an INSUFFICIENT_FUNDS in the reader's language ("余额", not
// "balance").
func localBook(r *http.Request, h *Handler, err error) error {
	e := purse.AsError(err)
	if e == nil || e.Params == nil {
		return err
	}
	b, ok := e.Params["Book"].(string)
	if !ok {
		return err
	}
	c := *e
	c.Params = map[string]any{}
	for k, v := range e.Params {
		c.Params[k] = v
	}
	c.Params["Book"] = h.Catalog.Message(lang(r), "ww_book_"+b, nil)
	return &c
}

// amountField reads the form's amount in yuan as fen.
func amountField(r *http.Request) (int64, error) {
	n, ok := parseYuan(r.PostFormValue("amount"))
	if !ok || n <= 0 {
		return 0, &formError{"amount", "ww_amount_format"}
	}
	return n, nil
}

// unitsField reads the form's amount in whole units.
func unitsField(r *http.Request) (int64, error) {
	n, ok := parseUnits(r.PostFormValue("amount"))
	if !ok || n <= 0 {
		return 0, &formError{"amount", "ww_units_format"}
	}
	return n, nil
}

// withClosure keeps the closure request in a link.
func withClosure(path, closure string) string {
	if closure == "" {
		return path
	}
	return path + "?closure=" + url.QueryEscape(closure)
}

// nextPage is the money page a form returns to, from ?next= or the form: only the wallet's own
// pages, so that the parameter cannot send the reader elsewhere.
func nextPage(r *http.Request) string {
	switch n := r.FormValue("next"); n {
	case "/wallet/topup", "/wallet/withdraw":
		return n
	}
	return ""
}
