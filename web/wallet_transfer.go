package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

// transferData is the transfer page. The payment-password field is always there, with the
// operator's threshold above which the wallet asks for it (PAYMENT_PASSWORD_REQUIRED).
func (h *Handler) transferData(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
	books, err := h.booksOnly(ctx, lang, a.ID, purse.BookMain)
	return &moneyData{Key: "transfer", Books: books, Above: yuan(h.Wallet.Config.PasswordAbove),
		Forms: []moneyForm{{ID: "transfer", Action: "/wallet/transfer", Button: "ww_transfer_submit", Amount: true,
			Transfer: true}}}, err
}

func (h *Handler) transferPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.transferData, nil, http.StatusOK)
}

// transfer sends money to another account by phone or account id.
func (h *Handler) transfer(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/transfer", h.transferData, "transfer", func(ctx context.Context, a *purse.Account) error {
		to, memo := strings.TrimSpace(r.PostFormValue("to")), strings.TrimSpace(r.PostFormValue("memo"))
		if to == "" || len(to) > 64 {
			return &formError{"to", "ww_to_required"}
		}
		if len(memo) > 140 {
			return &formError{"memo", "ww_memo_long"}
		}
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		pw := r.PostFormValue("payment_password")
		if len(pw) > 32 {
			pw = pw[:32]
		}
		_, err = h.Wallet.Transfer(ctx, a.ID, wallet.TransferRequest{To: to, Amount: amount, Memo: memo, PaymentPassword: pw})
		return err
	})
}
