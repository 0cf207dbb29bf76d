package web

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse"
)

// fundData is the fund page (AP-8.2), the remedy of FUND_NOT_ZERO: subscribe from the balance,
// redeem to it; a redemption arrives on the next working day.
func (h *Handler) fundData(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
	books, err := h.booksOnly(ctx, lang, a.ID, purse.BookFund, purse.BookMain)
	return &moneyData{Key: "fund", Books: books, Forms: []moneyForm{
		{ID: "redeem", Action: "/wallet/fund/redeem", Button: "ww_redeem_submit", Amount: true, Note: "ww_redeem_note"},
		{ID: "subscribe", Action: "/wallet/fund/subscribe", Button: "ww_subscribe_submit", Amount: true},
	}}, err
}

func (h *Handler) fundPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.fundData, nil, http.StatusOK)
}

func (h *Handler) fundSubscribe(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/fund", h.fundData, "subscribe", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.SubscribeFund(ctx, a.ID, amount)
		return err
	})
}

func (h *Handler) fundRedeem(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/fund", h.fundData, "redeem", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.RedeemFund(ctx, a.ID, amount)
		return err
	})
}
