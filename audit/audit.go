// Package audit writes and verifies purse's tamper-evident log: every event carries the SHA-256 of
// its content and of the event before it, so changing, removing or reordering any stored event
// breaks the chain at that point.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/purse-wallet/purse"
)

// Record appends an event to the chain inside tx. Actor, Action, Subject and Data are the
// caller's; the rest is filled here. Call it in the transaction that does what it records, so the
// record and the deed commit together.
//
// Under a context from Pending.Bind for tx, the event is kept and appended by the Pending's Flush.
func Record(ctx context.Context, tx purse.Tx, actor, action, subject string, data map[string]string) error {
	if p, ok := ctx.Value(pendingKey{}).(*Pending); ok && p.tx == tx {
		p.Record(actor, action, subject, data)
		return nil
	}
	seq, prev, err := tx.LockAuditHead(ctx)
	if err != nil {
		return err
	}
	e := &purse.AuditEvent{Seq: seq + 1, ID: purse.NewID(), At: tx.Now(), Actor: actor, Action: action,
		Subject: subject, Data: data, PrevHash: prev}
	e.Hash = Hash(e)
	if err := tx.InsertAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Entry is one event of RecordAll: its subject and data.
type Entry struct {
	Subject string
	Data    map[string]string
}

// RecordAll appends one event per entry, in order, with the same actor and action, inside tx: the
// head is locked once and the events are stored in one statement, so a batch job records each
// account it handled at the cost of one event. The chain is the same as from as many Record calls.
func RecordAll(ctx context.Context, tx purse.Tx, actor, action string, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	es := make([]*purse.AuditEvent, len(entries))
	for i, en := range entries {
		es[i] = &purse.AuditEvent{ID: purse.NewID(), At: tx.Now(), Actor: actor, Action: action,
			Subject: en.Subject, Data: en.Data}
	}
	return appendChain(ctx, tx, es)
}

// appendChain numbers and hashes the events after the head, which it locks, and stores them with
// one move of the head.
func appendChain(ctx context.Context, tx purse.Tx, es []*purse.AuditEvent) error {
	seq, prev, err := tx.LockAuditHead(ctx)
	if err != nil {
		return err
	}
	for _, e := range es {
		seq++
		e.Seq, e.PrevHash = seq, prev
		e.Hash = Hash(e)
		prev = e.Hash
	}
	if err := tx.InsertAudits(ctx, es); err != nil {
		return fmt.Errorf("audit %s: %w", es[0].Action, err)
	}
	return nil
}

// Hash is the event's chained hash: SHA-256 over the previous hash and a canonical encoding of
// every field but Hash itself.
func Hash(e *purse.AuditEvent) string {
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	data := make([][2]string, 0, len(keys))
	for _, k := range keys {
		data = append(data, [2]string{k, e.Data[k]})
	}
	canon, _ := json.Marshal([]any{e.Seq, e.ID, e.At.UnixMicro(), e.Actor, e.Action, e.Subject, data, e.PrevHash})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}
