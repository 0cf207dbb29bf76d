// Package audit writes and verifies purse's tamper-evident log: every event carries the SHA-256 of
// its content and of the event before it in its chain, so changing, removing or reordering any
// stored event breaks its chain at that point.
//
// The log is Chains chains, each with its own head row (issue 19: with one, every audited
// transaction of every instance waited on the same row lock). An event goes to its subject's
// chain (ChainOf), so an account's history is one chain in order, and two transactions about
// different accounts wait on each other only when their accounts share a chain. The signed
// checkpoints name every chain's head in one statement (Checkpoint), which is what joins them.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"

	"github.com/purse-wallet/purse"
)

// Record appends an event to the chain inside tx. Actor, Action, Subject and Data are the
// caller's; the rest is filled here. Call it in the transaction that does what it records, so the
// record and the deed commit together.
//
// Under a context from Pending.Bind for tx, the event is kept and appended by the Pending's Flush;
// in an item of a batch job (jobs.Batch), it is appended at the end of the batch, with the other
// items' events.
func Record(ctx context.Context, tx purse.Tx, actor, action, subject string, data map[string]string) error {
	if p, ok := ctx.Value(pendingKey{}).(*Pending); ok && p.tx == tx {
		p.Record(actor, action, subject, data)
		return nil
	}
	if toBatch(ctx, tx, []*purse.AuditEvent{{ID: purse.NewID(), At: tx.Now(), Actor: actor, Action: action,
		Subject: subject, Data: data}}) {
		return nil
	}
	chain := ChainOf(subject)
	seq, prev, err := tx.LockAuditHead(ctx, chain)
	if err != nil {
		return err
	}
	e := &purse.AuditEvent{Chain: chain, Seq: seq + 1, ID: purse.NewID(), At: tx.Now(), Actor: actor,
		Action: action, Subject: subject, Data: data, PrevHash: prev}
	e.Hash = Hash(e)
	if err := tx.InsertAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Chains is how many chains the log has (migration 00330 made their head rows). 16, like the
// operator's sub-books: two concurrent appends about different accounts share a chain one time
// in 16. Changing it would move accounts to other chains; their histories would then be split.
const Chains = 16

// ChainOf is the chain of a subject's events: FNV-1a of the subject, modulo Chains. Events
// recorded before the log had chains are all in chain 0.
func ChainOf(subject string) int {
	h := fnv.New32a()
	h.Write([]byte(subject))
	return int(h.Sum32() % Chains)
}

// Entry is one event of RecordAll: its subject and data.
type Entry struct {
	Subject string
	Data    map[string]string
}

// RecordAll appends one event per entry, in order, with the same actor and action, inside tx: each
// chain's head is locked once and its events are stored in one statement, so a batch job records
// each account it handled at the cost of one event. The chains are the same as from as many
// Record calls.
func RecordAll(ctx context.Context, tx purse.Tx, actor, action string, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	es := make([]*purse.AuditEvent, len(entries))
	for i, en := range entries {
		es[i] = &purse.AuditEvent{ID: purse.NewID(), At: tx.Now(), Actor: actor, Action: action,
			Subject: en.Subject, Data: en.Data}
	}
	if toBatch(ctx, tx, es) {
		return nil // appended at the end of the batch whose item this is, as Record's
	}
	return appendChain(ctx, tx, es)
}

// appendChain puts each event in its subject's chain and, chain by chain in ascending order,
// numbers and hashes them after the head, and stores them with one move of each head. The heads
// are locked in one statement, and the events of every chain stored in one more, however many
// chains they span (issue 19: a commit group's closure steps, each about its own account, locked
// and inserted chain by chain). The ascending order, in which the statement locks the heads, is
// what keeps two transactions that append to the same chains from each waiting for a head the
// other holds.
func appendChain(ctx context.Context, tx purse.Tx, es []*purse.AuditEvent) error {
	var byChain [Chains][]*purse.AuditEvent
	var chains []int
	for _, e := range es {
		e.Chain = ChainOf(e.Subject)
		if len(byChain[e.Chain]) == 0 {
			chains = append(chains, e.Chain)
		}
		byChain[e.Chain] = append(byChain[e.Chain], e)
	}
	if len(chains) == 0 {
		return nil
	}
	slices.Sort(chains)
	heads, err := tx.LockAuditHeads(ctx, chains)
	if err != nil {
		return err
	}
	ordered := make([]*purse.AuditEvent, 0, len(es))
	for i, chain := range chains {
		seq, prev := heads[i].Seq, heads[i].Hash
		for _, e := range byChain[chain] {
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = Hash(e)
			prev = e.Hash
		}
		ordered = append(ordered, byChain[chain]...)
	}
	if err := tx.InsertAudits(ctx, ordered); err != nil {
		return fmt.Errorf("audit %s: %w", es[0].Action, err)
	}
	return nil
}

// Hash is the event's chained hash: SHA-256 over the previous hash and a canonical encoding of
// every field but Hash itself. Chain 0's events are encoded as they were before the log had
// chains, so that they verify unchanged; the others' encoding ends with the chain, so that an
// event cannot be moved to another chain with its hash.
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
	fields := []any{e.Seq, e.ID, e.At.UnixMicro(), e.Actor, e.Action, e.Subject, data, e.PrevHash}
	if e.Chain != 0 {
		fields = append(fields, e.Chain)
	}
	canon, _ := json.Marshal(fields)
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}
