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
		d := &moneyData{Key: string(book), Forms: []moneyForm{{ID: "spend_" + string(book),
			Action: "/wallet/" + string(book), Button: "ww_spend_submit", Units: true}}}
		var err error
		if book == purse.BookPoints {
			// Converting pays into the balance, so the page shows both books.
			d.Books, err = h.booksOnly(ctx, lang, a.ID, book, purse.BookMain)
			cfg := h.Wallet.Config
			d.Forms = append(d.Forms, moneyForm{ID: "convert_points", Action: "/wallet/points/convert",
				Button: "ww_convert_submit", Units: true, NoteText: h.Catalog.Message(lang, "ww_convert_note",
					map[string]any{"Unit": group(cfg.PointsUnit), "Value": yuan(cfg.PointsUnitValue)})})
		} else {
			d.Books, err = h.booksOnly(ctx, lang, a.ID, book)
		}
		return d, err
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

// convertPoints turns points into the balance at the operator's rate (POINTS_UNIT for part units).
func (h *Handler) convertPoints(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/points", h.spendData(purse.BookPoints), "convert_points", func(ctx context.Context, a *purse.Account) error {
		n, err := unitsField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.ConvertPoints(ctx, a.ID, n)
		return err
	})
}
