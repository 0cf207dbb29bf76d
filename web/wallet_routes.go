package web

// walletRoutes registers the money pages. They take over the paths the closure's remedies name
// (closure.Remedies: /wallet/withdraw, /wallet/points, /wallet/fund, /wallet/stored,
// /wallet/cards, /wallet/transactions, /services/credit): being more specific than the
// explanation pages' folder routes ("GET /wallet/"), they win without a clash. Until UseWallet
// wires the ledger in, they fall back to those explanations.
func (h *Handler) walletRoutes() {
	h.mux.HandleFunc("GET /wallet/cards", h.cardsPage)
	h.mux.HandleFunc("POST /wallet/cards", h.bindCard)
	h.mux.HandleFunc("POST /wallet/cards/code", h.sendCardCode)
	h.mux.HandleFunc("POST /wallet/cards/{id}/unbind", h.unbindCard)
	h.mux.HandleFunc("GET /wallet/topup", h.topupPage)
	h.mux.HandleFunc("POST /wallet/topup", h.topup)
	h.mux.HandleFunc("GET /wallet/withdraw", h.withdrawPage)
	h.mux.HandleFunc("POST /wallet/withdraw", h.withdraw)
	h.mux.HandleFunc("GET /wallet/transfer", h.transferPage)
	h.mux.HandleFunc("POST /wallet/transfer", h.transfer)
	h.mux.HandleFunc("GET /wallet/fund", h.fundPage)
	h.mux.HandleFunc("POST /wallet/fund/subscribe", h.fundSubscribe)
	h.mux.HandleFunc("POST /wallet/fund/redeem", h.fundRedeem)
	h.mux.HandleFunc("GET /wallet/points", h.pointsPage)
	h.mux.HandleFunc("POST /wallet/points", h.spendPoints)
	h.mux.HandleFunc("POST /wallet/points/convert", h.convertPoints)
	h.mux.HandleFunc("GET /wallet/stored", h.storedPage)
	h.mux.HandleFunc("POST /wallet/stored", h.spendStored)
	h.mux.HandleFunc("GET /services/credit", h.creditPage)
	h.mux.HandleFunc("POST /services/credit/draw", h.drawCredit)
	h.mux.HandleFunc("POST /services/credit/repay", h.repayCredit)
	h.mux.HandleFunc("POST /services/credit/close", h.closeCredit)
	h.mux.HandleFunc("GET /wallet/transactions", h.transactionsPage)
	h.mux.HandleFunc("GET /wallet/export/transactions.csv", h.exportCSV)
	h.mux.HandleFunc("GET /wallet/export/statement.pdf", h.exportStatement)
	h.mux.HandleFunc("GET /wallet/export/takeout.zip", h.exportTakeout)
}
