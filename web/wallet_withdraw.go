package web

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse"
)

// withdrawData is the withdrawal page, the remedy of BALANCE_NOT_ZERO and LEFTOVER_TO_SWEEP
// (AP-8.1): the money stays pending until the bank settles.
func (h *Handler) withdrawData() moneyPage {
	return h.cardPage("withdraw", moneyForm{ID: "withdraw", Action: "/wallet/withdraw", Button: "ww_withdraw_submit",
		Card: true, Amount: true, PIN: true, Note: "ww_withdraw_note"})
}

func (h *Handler) withdrawPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.withdrawData(), nil, http.StatusOK)
}

// withdraw pays the amount out to a bound card.
func (h *Handler) withdraw(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/withdraw", h.withdrawData(), "withdraw", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.Withdraw(ctx, a.ID, r.PostFormValue("card"), amount, secretField(r.PostFormValue("payment_password")))
		return err
	})
}
