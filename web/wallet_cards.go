package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

// cardsData lists the bound cards (masked) with "unbind" and the bind form (TP-1).
func (h *Handler) cardsData(ctx context.Context, _ string, a *purse.Account) (*moneyData, error) {
	cards, err := h.Wallet.Cards(ctx, a.ID)
	return &moneyData{Key: "cards", Cards: cards, Forms: []moneyForm{
		{ID: "code", Action: "/wallet/cards/code", Button: "ww_send_code", Note: "ww_code_note"},
		{ID: "bind", Action: "/wallet/cards", Button: "ww_bind", Bind: true, PIN: true, Code: true, Note: "ww_bind_note"}}}, err
}

func (h *Handler) cardsPage(w http.ResponseWriter, r *http.Request) {
	h.showMoney(w, r, h.cardsData, nil, http.StatusOK)
}

// bindCard binds a card; a number failing the Luhn check shows CARD_NUMBER_INVALID by its field.
func (h *Handler) bindCard(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/cards", h.cardsData, "bind", func(ctx context.Context, a *purse.Account) error {
		bank, holder := strings.TrimSpace(r.PostFormValue("bank")), strings.TrimSpace(r.PostFormValue("holder"))
		switch {
		case bank == "" || len(bank) > 64:
			return &formError{"bank", "ww_bank_required"}
		case holder == "" || len(holder) > 64:
			return &formError{"holder", "ww_holder_required"}
		case len(r.PostFormValue("number")) > 32:
			return &formError{"number", "CARD_NUMBER_INVALID"}
		}
		_, err := h.Wallet.BindCard(ctx, a.ID, wallet.CardBinding{Bank: bank, Number: r.PostFormValue("number"),
			Holder: holder, PaymentPassword: secretField(r.PostFormValue("payment_password")),
			SMSCode: secretField(strings.TrimSpace(r.PostFormValue("sms_code")))})
		return err
	})
}

// sendCardCode sends the SMS code that binding a card needs to the account's phone (issue 13).
func (h *Handler) sendCardCode(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/cards", h.cardsData, "code", func(ctx context.Context, a *purse.Account) error {
		_, err := h.Wallet.SendCardCode(ctx, a.ID)
		return err
	})
}

// secretField cuts a posted secret to a length no real one has: the service refuses it as wrong.
func secretField(s string) string {
	if len(s) > 32 {
		return s[:32]
	}
	return s
}

// unbindCard ends a binding (the QUICK_PAY_BOUND remedy); another account's card is a 404 page.
func (h *Handler) unbindCard(w http.ResponseWriter, r *http.Request) {
	h.moneyPost(w, r, "/wallet/cards", h.cardsData, "unbind", func(ctx context.Context, a *purse.Account) error {
		return h.Wallet.UnbindCard(ctx, a.ID, r.PathValue("id"))
	})
}
