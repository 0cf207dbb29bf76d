package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
)

// The erasure of a purge batch's personal rows: one statement per table for the whole batch.

// erasedBeforeDelivery is the last error of a message the purge erased while it was pending.
const erasedBeforeDelivery = "erased before delivery"

// scrubOutbox empties a message; one not yet delivered can no longer be, since its address is gone.
// One a sender had claimed may still reach the provider: its completion records it sent (see
// sentOrErased).
const scrubOutbox = `UPDATE outbox SET recipient = '', subject = '', body = '', data = '{}', recipient_hash = '',
	recipient_sealed = NULL, content_sealed = NULL,
	last_error = CASE WHEN status = 'pending' THEN '` + erasedBeforeDelivery + `' ELSE last_error END,
	status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END WHERE `

func (t *tx) ErasePersonalRows(ctx context.Context, erasures []purse.Erasure) (map[string]int, error) {
	touched := map[string]int{}
	ids := make([]string, len(erasures))
	for i, e := range erasures {
		ids[i] = e.AccountID
		t.accountChanged(e.AccountID) // its sessions are deleted: this process's session cache forgets them
	}
	// Each statement returns the account of every row it touched, which is how the per-account
	// counts of the audit events are kept with one statement per table for the whole batch.
	steps := []struct{ q, col string }{
		{`UPDATE cards SET number_sealed = NULL, holder_sealed = NULL WHERE account_id IN `, "account_id"},
		// The new phone of a phone change: sealed, and its lookup hash in clear (issue 15: it
		// stayed until the records purge, years later).
		{`UPDATE business_flows SET target_sealed = NULL, target_hash = '', code_hash = ''
			WHERE account_id IN `, "account_id"},
		{`UPDATE linked_accounts SET external_id = '', external_sealed = NULL, external_hash = '', webhook_url = ''
			WHERE account_id IN `, "account_id"},
		{`UPDATE account_flags SET note = '' WHERE account_id IN `, "account_id"},
		// AP-9: an appeal's reasons are the user's words; a release keeps only hashes and times.
		{`UPDATE rebind_appeals SET reason = '', decision_reason = '' WHERE account_id IN `, "account_id"},
		{`DELETE FROM phone_releases WHERE account_id IN `, "account_id"},
		{scrubOutbox + `account_id IN `, "account_id"},
		{`DELETE FROM sessions WHERE account_id IN `, "account_id"},
		// Two-step verification (migration 00211): the sealed TOTP secret goes with the data key
		// anyway; its rows, the devices and their labels go too.
		{`DELETE FROM session_devices WHERE account_id IN `, "account_id"},
		{`DELETE FROM devices WHERE account_id IN `, "account_id"},
		{`DELETE FROM recovery_codes WHERE account_id IN `, "account_id"},
		{`DELETE FROM sign_in_challenges WHERE account_id IN `, "account_id"},
		{`DELETE FROM two_step WHERE account_id IN `, "account_id"},
		{`DELETE FROM idempotent_responses WHERE account_id IN `, "account_id"},
	}
	for _, s := range steps {
		rewritten := rewrittenTables[writtenTable(s.q)]
		size := maxBatchRows
		if rewritten {
			size = partitionBatchRows
		}
		err := chunksOf(size, ids, func(in string, args []any) error {
			if !rewritten {
				return t.countByAccount(ctx, s.q+in+` RETURNING `+s.col, args, nil, touched, nil)
			}
			// The scrub rewrites the partitions this statement wrote (scrub.go).
			parts := map[string]bool{}
			q := s.q + in + ` RETURNING ` + s.col + `, ` + t.returningPartition()
			if err := t.countByAccount(ctx, q, args, nil, touched, parts); err != nil {
				return err
			}
			return t.markScrub(ctx, parts)
		})
		if err != nil {
			return nil, err
		}
	}
	if err := t.scrubSentTo(ctx, erasures, touched); err != nil {
		return nil, err
	}
	return touched, nil
}

// scrubSentTo scrubs the messages without an account id sent to the erasures' addresses up to
// their closure: they are found by recipient in one statement, and each is kept to the account
// it was sent for by its time.
func (t *tx) scrubSentTo(ctx context.Context, erasures []purse.Erasure, touched map[string]int) error {
	type owner struct {
		account string
		until   int64
	}
	if t.db.sealer == nil {
		return errNoSealer
	}
	owners := map[string][]owner{} // by the recipient's keyed hash
	var addrs []string
	for _, e := range erasures {
		for _, a := range e.Addresses {
			if a == "" {
				continue
			}
			a = t.db.sealer.Lookup("recipient", a)
			if owners[a] == nil {
				addrs = append(addrs, a)
			}
			owners[a] = append(owners[a], owner{e.AccountID, ts(e.SentBefore)})
		}
	}
	var scrub []string
	msgAccount := map[string]string{}
	err := chunks(addrs, func(in string, args []any) error {
		// Found by recipient (outbox_recipient_hash); the account id is checked here, since a
		// condition on it would let the planner pick outbox_account and read every message
		// without an account instead.
		rows, err := t.query(ctx, `SELECT id, recipient_hash, created_at, account_id FROM outbox
			WHERE recipient_hash IN `+in, args...)
		if err != nil {
			return fmt.Errorf("storage: messages to erased addresses: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, to, account string
			var created int64
			if err := rows.Scan(&id, &to, &created, &account); err != nil {
				return err
			}
			if account != "" {
				continue
			}
			for _, o := range owners[to] {
				if created <= o.until {
					scrub, msgAccount[id] = append(scrub, id), o.account
					break
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	return chunks(scrub, func(in string, args []any) error {
		return t.countByAccount(ctx, scrubOutbox+`id IN `+in+` RETURNING id`, args, msgAccount, touched, nil)
	})
}

// writtenTable is the table an UPDATE or DELETE statement writes.
func writtenTable(q string) string {
	f := strings.Fields(q)
	if len(f) > 2 && f[0] == "DELETE" {
		return f[2]
	}
	if len(f) > 1 {
		return f[1]
	}
	return ""
}

// countByAccount runs a statement that returns one key per row it touched, and counts the rows by
// account (the key itself, or its owner in owners when given). With parts, each row also returns
// its partition, gathered there.
func (t *tx) countByAccount(ctx context.Context, q string, args []any, owners map[string]string, touched map[string]int, parts map[string]bool) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("storage: erase personal rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, part string
		dest := []any{&key}
		if parts != nil {
			dest = append(dest, &part)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if parts != nil {
			parts[part] = true
		}
		if owners != nil {
			key = owners[key]
		}
		touched[key]++
	}
	return rows.Err()
}
