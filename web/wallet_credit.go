package web

import (
	"context"
	"net/http"

	"github.com/purse-wallet/purse"
)

// creditData is the credit line's page (AP-8.5), the remedy of CREDIT_LINE_OPEN: its debt, draw
// into the balance while the limit allows, repay from the balance, and close once nothing is owed
// (GE-5). The operator opens a line (the console's account page or the operator API).
func (h *Handler) creditData(ctx context.Context, lang string, a *purse.Account) (*moneyData, error) {
	books, err := h.booksOnly(ctx, lang, a.ID, purse.BookCredit, purse.BookMain)
	if err != nil {
		return nil, err
	}
	d := &moneyData{Key: "credit", Books: books, Credit: &creditView{}}
	line, debt, err := h.Wallet.CreditLine(ctx, a.ID)
	if purse.ErrorCode(err) == purse.CodeCreditLineMissing {
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	d.Credit = openCredit(line, debt)
	if debt < line.Limit {
		d.Forms = append(d.Forms, moneyForm{ID: "draw", Action: "/services/credit/draw", Button: "ww_draw_submit",
			Amount: true, Note: "ww_draw_note"})
	}
	if debt > 0 {
		d.Forms = append(d.Forms, moneyForm{ID: "repay", Action: "/services/credit/repay", Button: "ww_repay_submit", Amount: true})
	}
	d.Forms = append(d.Forms, moneyForm{ID: "close", Action: "/services/credit/close", Button: "ww_close_submit",
		Note: "ww_close_note", Danger: true})
	return d, nil
}

func (h *Handler) creditPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.creditData, nil, http.StatusOK)
}

func (h *Handler) repayCredit(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/services/credit", h.creditData, "repay", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.RepayCredit(ctx, a.ID, amount)
		return err
	})
}

// drawCredit borrows on the line into the balance (CREDIT_LIMIT_EXCEEDED past the limit).
func (h *Handler) drawCredit(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/services/credit", h.creditData, "draw", func(ctx context.Context, a *purse.Account) error {
		amount, err := amountField(r)
		if err != nil {
			return err
		}
		_, err = h.Wallet.DrawCredit(ctx, a.ID, amount)
		return err
	})
}

func (h *Handler) closeCredit(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/services/credit", h.creditData, "close", func(ctx context.Context, a *purse.Account) error {
		return h.Wallet.CloseCreditLine(ctx, a.ID)
	})
}
