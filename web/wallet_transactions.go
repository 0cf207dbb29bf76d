package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/purse-wallet/purse"
)

// txKinds are the kinds the filter offers.
var txKinds = []purse.TxKind{purse.TxTopup, purse.TxWithdrawal, purse.TxTransfer, purse.TxFundSubscribe,
	purse.TxFundRedeem, purse.TxPointsGrant, purse.TxPointsSpend, purse.TxPointsConvert, purse.TxStoredGrant, purse.TxStoredSpend,
	purse.TxCreditDraw, purse.TxCreditRepay}

// txRow is one transaction as the list shows it.
type txRow struct {
	ID       string
	Kind     string
	Status   string
	Amount   string
	In       bool // money came in to the reader
	Memo     string
	At       time.Time
	SettleBy *time.Time // a pending movement: when the bank or the fund settles it
}

// txData is the transactions page: the filters, one page of rows, the next page's link, and the
// export links.
type txData struct {
	Kinds   []purse.TxKind
	Kind    string
	From    string // YYYY-MM-DD
	To      string // YYYY-MM-DD, included
	Rows    []txRow
	More    string // the next page's address, "" at the end
	PDFFrom string // the statement's period: the filter's, else the last 30 days
	PDFTo   string
	Closure string
}

// incoming lists the kinds that add to the reader's own balance, for the sign.
var incoming = []purse.TxKind{purse.TxTopup, purse.TxFundRedeem, purse.TxPointsGrant, purse.TxStoredGrant, purse.TxCreditDraw}

// transactionsPage lists the account's transactions newest first, filtered by kind and days,
// twenty a page with a "more" link (the remedy of TRANSACTION_IN_PROGRESS shows what is pending).
func (h *Handler) transactionsPage(w http.ResponseWriter, r *http.Request) {
	a, ok := requireUser(w, r)
	if !ok {
		return
	}
	if h.Wallet == nil {
		h.remedyInfo(w, r)
		return
	}
	q := r.URL.Query()
	v := h.newView(r, "ww_transactions_title")
	loc := h.Wallet.Config.Location
	d := &txData{Kinds: txKinds, Closure: backTo(r)}
	f := purse.TxFilter{AccountID: a.ID, Limit: 20}
	v.Fields = map[string]string{}
	if k := purse.TxKind(q.Get("kind")); slices.Contains(txKinds, k) {
		f.Kind, d.Kind = k, string(k)
	}
	if s := q.Get("from"); s != "" {
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			f.From, d.From = t, s
		} else {
			v.Fields["from"] = v.T("ww_date_format")
		}
	}
	if s := q.Get("to"); s != "" {
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			f.To, d.To = t.AddDate(0, 0, 1), s
		} else {
			v.Fields["to"] = v.T("ww_date_format")
		}
	}
	page, err := h.Wallet.Transactions(r.Context(), f, q.Get("cursor"))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, t := range page.Items {
		row := txRow{ID: t.ID, Kind: "ww_kind_" + string(t.Kind), Status: string(t.Status),
			Amount: amountOf(t.Amount, t.Currency), Memo: t.Memo, At: t.CreatedAt,
			In: slices.Contains(incoming, t.Kind) || (t.Kind == purse.TxTransfer && t.AccountID != a.ID)}
		if t.Status == purse.TxPending {
			row.SettleBy = t.SettleAfter
		}
		d.Rows = append(d.Rows, row)
	}
	if page.Next != "" {
		more := url.Values{"cursor": {page.Next}}
		for k, s := range map[string]string{"kind": d.Kind, "from": d.From, "to": d.To, "closure": d.Closure} {
			if s != "" {
				more.Set(k, s)
			}
		}
		d.More = "/wallet/transactions?" + more.Encode()
	}
	d.PDFFrom, d.PDFTo = d.From, d.To
	if d.PDFTo == "" {
		d.PDFTo = h.Clock.Now().In(loc).Format(time.DateOnly)
	}
	if d.PDFFrom == "" {
		d.PDFFrom = h.Clock.Now().In(loc).AddDate(0, 0, -30).Format(time.DateOnly)
	}
	v.Data = d
	h.render(w, r, http.StatusOK, "wallet_transactions", v)
}
