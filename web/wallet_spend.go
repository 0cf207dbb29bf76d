package web

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse"
)

// spendData is the page of points (AP-8.1) or stored value (AP-8.10): the remedy of
// POINTS_NOT_ZERO and STORED_BALANCE_NOT_ZERO is to use them up.
func (h *Handler) spendData(book purse.Book) moneyPage {
	return func(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
		books, err := h.booksOnly(ctx, lang, a.ID, book)
		return &moneyData{Key: string(book), Books: books, Forms: []moneyForm{{ID: "spend_" + string(book),
			Action: "/wallet/" + string(book), Button: "ww_spend_submit", Units: true}}}, err
	}
}

func (h *Handler) pointsPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.spendData(purse.BookPoints), nil, http.StatusOK)
}

func (h *Handler) storedPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.spendData(purse.BookStored), nil, http.StatusOK)
}

func (h *Handler) spendPoints(w http.ResponseWriter, r *http.Request) {
	h.spend(w, r, purse.BookPoints)
}

func (h *Handler) spendStored(w http.ResponseWriter, r *http.Request) {
	h.spend(w, r, purse.BookStored)
}

func (h *Handler) spend(w http.ResponseWriter, r *http.Request, book purse.Book) {
	h.moneyPost(w, r, "/wallet/"+string(book), h.spendData(book), "spend_"+string(book), func(ctx context.Context, a *purse.Account) error {
		n, err := unitsField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.Spend(ctx, a.ID, book, n, "")
		return err
	})
}
