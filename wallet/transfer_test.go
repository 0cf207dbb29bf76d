package wallet_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/wallet"
)

// A transfer moves the amount from one main book to the other in one balanced transaction; each
// refusal leaves both balances as they were.
func TestTransferMovesOrRefuses(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		from, to := b.funded(t, 10_000), b.SignUp("").ID
		tx, err := b.svc.Transfer(b.ctx, from, wallet.TransferRequest{To: to, Amount: 2_500, Memo: "rent"})
		if err != nil {
			t.Fatal(err)
		}
		if tx.Kind != purse.TxTransfer || tx.Counterparty != to || tx.Amount != 2_500 {
			t.Fatalf("transfer %+v", tx)
		}
		if f, g := b.balance(t, from), b.balance(t, to); f != 7_500 || g != 2_500 {
			t.Fatalf("balances %d and %d after the transfer, want 7500 and 2500", f, g)
		}
		refused := []struct {
			name string
			r    wallet.TransferRequest
			code purse.Code
		}{
			{"more than the balance", wallet.TransferRequest{To: to, Amount: 7_501}, purse.CodeInsufficientFunds},
			{"nothing", wallet.TransferRequest{To: to, Amount: 0}, purse.CodeAmountInvalid},
			{"a negative amount", wallet.TransferRequest{To: to, Amount: -1}, purse.CodeAmountInvalid},
			{"to itself", wallet.TransferRequest{To: from, Amount: 1}, purse.CodeTransferToSelf},
			{"to nobody", wallet.TransferRequest{To: purse.NewID(), Amount: 1}, purse.CodeRecipientNotFound},
			{"to an unknown phone", wallet.TransferRequest{To: "13800000000", Amount: 1}, purse.CodeRecipientNotFound},
			{"above the password limit without it", wallet.TransferRequest{To: to, Amount: wallet.DefaultPasswordAbove + 1},
				purse.CodePaymentPasswordNeeded},
		}
		for _, c := range refused {
			if _, err := b.svc.Transfer(b.ctx, from, c.r); purse.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if f, g := b.balance(t, from), b.balance(t, to); f != 7_500 || g != 2_500 {
			t.Fatalf("balances %d and %d after the refusals, want 7500 and 2500", f, g)
		}
	})
}

// A restricted account (an open restricting dispute, AP-8.8) still receives money but may not send
// any away; a closing account neither sends nor receives (DESIGN.md §4.2).
func TestTransferHonoursTheAccountStatus(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		a, r := b.funded(t, 1_000), b.funded(t, 1_000)
		if _, err := b.App.Blockers.OpenDispute(b.ctx, "operator:op", r, "trade dispute", true); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Transfer(b.ctx, r, wallet.TransferRequest{To: a, Amount: 1}); purse.ErrorCode(err) != purse.CodeAccountRestricted {
			t.Fatalf("a restricted account sends: %v", err)
		}
		if _, err := b.svc.Transfer(b.ctx, a, wallet.TransferRequest{To: r, Amount: 100}); err != nil {
			t.Fatalf("a restricted account cannot receive: %v", err)
		}
		closing := b.funded(t, 1_000)
		b.SetStatus(t, closing, purse.StatusClosing)
		for _, c := range []struct{ from, to string }{{closing, a}, {a, closing}} {
			if _, err := b.svc.Transfer(b.ctx, c.from, wallet.TransferRequest{To: c.to, Amount: 1}); purse.ErrorCode(err) != purse.CodeAccountNotActive {
				t.Errorf("transfer %s → %s with a closing account: %v", c.from, c.to, err)
			}
		}
		if x, y, z := b.balance(t, a), b.balance(t, r), b.balance(t, closing); x != 900 || y != 1_100 || z != 1_000 {
			t.Fatalf("balances %d, %d, %d; want 900, 1100, 1000", x, y, z)
		}
	})
}
