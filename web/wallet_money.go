package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/export"
	"github.com/purse-wallet/purse/wallet"
)

// UseWallet wires the ledger into the pages: the home page's books, the money pages under
// /wallet and /services/credit, and the exports. Until it is called those paths keep the
// explanation pages of the closure's remedies.
func (h *Handler) UseWallet(w *wallet.Service, x *export.Service) {
	h.Wallet, h.Exports = w, x
	h.Balances = walletBooks{h}
}

// parseYuan reads an amount typed in yuan ("12", "12.5", "12.50") as fen, exactly: the string is
// parsed digit by digit, never through a float, so 0.29 is 29 fen and not 28.999….
func parseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || (dot && frac == "") || !digits(whole) || !digits(frac) {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

// parseUnits reads a whole number of points or stored-value units.
func parseUnits(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 15 || !digits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// yuan formats fen as "¥1,234.50": two decimals, thousands grouped.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + "¥" + group(fen/100) + "." + strconv.FormatInt(100+fen%100, 10)[1:]
}

// group puts a comma between each three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// amountOf formats an amount of a book's currency: yuan for CNY, whole units otherwise.
func amountOf(amount int64, cur purse.Currency) string {
	if cur == purse.CNY {
		return yuan(amount)
	}
	if amount < 0 {
		return "-" + group(-amount)
	}
	return group(amount)
}

// walletBook is one book on the money pages, its amount raw and formatted.
type walletBook struct {
	Book   purse.Book
	Name   string
	Amount int64
	Text   string
}

// userBooks are the books a user sees, in the order the home page shows them. The credit book
// holds the debt as a negative number; it is shown as the positive amount owed.
var userBooks = []struct {
	book purse.Book
	cur  purse.Currency
}{{purse.BookMain, purse.CNY}, {purse.BookPoints, purse.Points}, {purse.BookFund, purse.CNY},
	{purse.BookStored, purse.Stored}, {purse.BookCredit, purse.CNY}}

// books reads the account's books, every user book present, zero when it has none.
func (h *Handler) books(ctx context.Context, lang, accountID string) (map[purse.Book]walletBook, []walletBook, error) {
	list, err := h.Wallet.Balances(ctx, accountID)
	if err != nil {
		return nil, nil, err
	}
	have := map[purse.Book]int64{}
	for _, b := range list {
		have[b.Book] += b.Amount
	}
	byBook := map[purse.Book]walletBook{}
	var out []walletBook
	for _, u := range userBooks {
		n := have[u.book]
		if u.book == purse.BookCredit {
			n = -n
		}
		wb := walletBook{Book: u.book, Name: h.Catalog.Message(lang, "ww_book_"+string(u.book), nil), Amount: n,
			Text: amountOf(n, u.cur)}
		byBook[u.book] = wb
		out = append(out, wb)
	}
	return byBook, out, nil
}

// bookPages are the pages of the books, linked from the home page.
var bookPages = map[purse.Book]string{purse.BookMain: "/wallet/transactions", purse.BookPoints: "/wallet/points",
	purse.BookFund: "/wallet/fund", purse.BookStored: "/wallet/stored", purse.BookCredit: "/services/credit"}

// walletBooks gives the home page its books through the ledger.
type walletBooks struct{ h *Handler }

// Books returns the account's five user books, formatted.
func (b walletBooks) Books(ctx context.Context, lang, accountID string) ([]Book, error) {
	_, list, err := b.h.books(ctx, lang, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Book, len(list))
	for i, x := range list {
		out[i] = Book{Name: x.Name, Amount: x.Text, Link: bookPages[x.Book]}
	}
	return out, nil
}
