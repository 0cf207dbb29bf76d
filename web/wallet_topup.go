package web

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse"
)

// booksOnly picks the named books for a page.
func (h *Handler) booksOnly(ctx context.Context, lang, accountID string, want ...purse.Book) ([]walletBook, error) {
	by, _, err := h.books(ctx, lang, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]walletBook, 0, len(want))
	for _, b := range want {
		out = append(out, by[b])
	}
	return out, nil
}

// cardPage is a page with the balance and one form that takes a card and an amount.
func (h *Handler) cardPage(key string, f moneyForm) moneyPage {
	return func(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
		books, err := h.booksOnly(ctx, lang, a.ID, purse.BookMain)
		if err != nil {
			return nil, err
		}
		cards, err := h.Wallet.Cards(ctx, a.ID)
		return &moneyData{Key: key, Books: books, Cards: cards, Forms: []moneyForm{f}}, err
	}
}

func (h *Handler) topupData() moneyPage {
	return h.cardPage("topup", moneyForm{ID: "topup", Action: "/wallet/topup", Button: "ww_topup_submit", Card: true, Amount: true})
}

func (h *Handler) topupPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.topupData(), nil, http.StatusOK)
}

// topup charges a bound card into the balance.
func (h *Handler) topup(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/topup", h.topupData(), "topup", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.Topup(ctx, a.ID, r.PostFormValue("card"), amount)
		return err
	})
}
