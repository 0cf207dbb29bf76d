package sqlstore

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

// A transfer's memo is free text its sender writes, and it often names people ("房租 张三"): it is
// personal data of both parties, each of whom sees it in their history. It is therefore sealed
// twice (migration 00223): memo_sealed under the initiator's data key and memo_counter_sealed under
// the counterparty's, and each party's view opens its own copy. When one party is purged its key
// goes and its copy with it, while the other party, still a customer or still inside its own
// records period, keeps reading the memo it was sent until its own purge. Sealing it under one
// key only would either take the memo from the live party at the other's purge or keep it
// readable after the purge of the party who wrote it. A memo of no person (operator books,
// retention's carried balances) stays in the clear memo column, as does nothing else.

const (
	fieldMemo        = "ledger_transactions.memo"
	fieldMemoCounter = "ledger_transactions.memo_counter"
)

// sealedMemos are the memo columns of each transaction to insert: clear (a memo of no person),
// and the two sealed copies.
func (t *tx) sealedMemos(ctx context.Context, ls []*purse.LedgerTransaction) ([][3]any, error) {
	out := make([][3]any, len(ls))
	var ids []string
	for i, l := range ls {
		out[i] = [3]any{"", nil, nil}
		if l.Memo != "" {
			ids = append(ids, l.AccountID, l.Counterparty)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	keys, err := t.keysOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, l := range ls {
		if l.Memo == "" {
			continue
		}
		wi, personI := keys.wrapped[l.AccountID]
		wc, personC := keys.wrapped[l.Counterparty]
		if !personI && !personC {
			out[i][0] = l.Memo
			continue
		}
		// A party whose key is destroyed gets no copy: its memo went with its purge.
		initiator, counter := personI && wi != nil, personC && wc != nil
		if initiator {
			if out[i][1], err = keys.seal(l.AccountID, fieldMemo+"\x00"+l.ID, []byte(l.Memo)); err != nil {
				return nil, fmt.Errorf("memo of %s: %w", l.ID, err)
			}
		}
		if counter {
			if out[i][2], err = keys.seal(l.Counterparty, fieldMemoCounter+"\x00"+l.ID, []byte(l.Memo)); err != nil {
				return nil, fmt.Errorf("memo of %s: %w", l.ID, err)
			}
		}
	}
	return out, nil
}

// sealedMemo is what a read transaction's memo columns held, before opening.
type sealedMemo struct{ initiator, counter []byte }

// openMemos opens the memos of transactions read with their sealed copies: the initiator's copy
// when its key lives, else the counterparty's; a memo both of whose parties were purged reads "".
func (t *tx) openMemos(ctx context.Context, ls []*purse.LedgerTransaction, sealed []sealedMemo) error {
	var ids []string
	for i, l := range ls {
		if sealed[i].initiator != nil || sealed[i].counter != nil {
			ids = append(ids, l.AccountID, l.Counterparty)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	keys, err := t.keysOf(ctx, ids)
	if err != nil {
		return err
	}
	for i, l := range ls {
		l.Memo, err = openMemo(keys, l.ID, l.AccountID, l.Counterparty, l.Memo, sealed[i])
		if err != nil {
			return err
		}
	}
	return nil
}

func openMemo(keys *keyring, id, initiator, counter, clear string, s sealedMemo) (string, error) {
	if w, ok := keys.wrapped[initiator]; ok && w != nil && s.initiator != nil {
		b, err := keys.open(initiator, fieldMemo+"\x00"+id, s.initiator)
		if err != nil {
			return "", fmt.Errorf("storage: memo of %s: %w", id, err)
		}
		return string(b), nil
	}
	if w, ok := keys.wrapped[counter]; ok && w != nil && s.counter != nil {
		b, err := keys.open(counter, fieldMemoCounter+"\x00"+id, s.counter)
		if err != nil {
			return "", fmt.Errorf("storage: memo of %s: %w", id, err)
		}
		return string(b), nil
	}
	if s.initiator != nil || s.counter != nil {
		return "", nil // shredded with its parties' keys
	}
	return clear, nil
}
