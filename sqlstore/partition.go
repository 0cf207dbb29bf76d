package sqlstore

import (
	"context"
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
)

// Reads by account name the partition they read (issue 19 session 11). Migration 00350 splits
// account_lookups and business_flows into hash partitions by account (for the scrub), and the
// eligibility check and the account's read by id each read one row of one of them. pgx prepares a
// statement once per connection and PostgreSQL 15 then runs a generic plan, whose partitions are
// pruned at run time, not when it is planned: every execution locks all 16 partitions of each
// table, and the generic plan of the eligibility statement took 6 ms to plan on an idle machine
// (against 0.35 ms for its custom plans), paid again by every new pooled connection, in the
// middle of the load that made the pool open it. Named by partition, the statement reads a plain
// table: no pruning, one lock, and a plan as cheap as before 00350. The partition is the one
// PostgreSQL itself routes the account's rows to (hashPartition), checked against the server when
// the store opens (checkPartitions); where the check fails the statements read the parents.

// partitionedByAccount are the tables migration 00350 partitions by hash of account_id into
// accountPartitions partitions named table_p00 … table_p15; the statements run through
// inPartition name no other partitioned table.
var partitionedByAccount = regexp.MustCompile(`\b(account_lookups|business_flows)\b`)

// accountPartitions is the partitions' count, as migration 00350 makes them (see
// sqlstore/postgres/scrub.go for why 16).
const accountPartitions = 16

// inPartition is q with every table of partitionedByAccount replaced by its partition that holds
// accountID's rows, when the store reads partitions by name (usePartitions); q itself otherwise.
// Every such table in q must be read for accountID alone.
func (t *tx) inPartition(q, accountID string) string {
	if !t.db.byPartition.Load() {
		return q
	}
	p := hashPartition(accountID, accountPartitions)
	if v, ok := t.db.partitioned.Load(partitionKey{q, p}); ok {
		return v.(string)
	}
	out := partitionedByAccount.ReplaceAllString(q, "${1}_p"+twoDigits(p))
	t.db.partitioned.Store(partitionKey{q, p}, out)
	return out
}

type partitionKey struct {
	q string
	p int
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// checkPartitions turns reads by partition name on when each table of partitionedByAccount has
// exactly the partitions hashPartition assumes (table_pNN, modulus accountPartitions, remainder
// NN) and the server routes sample keys where hashPartition does; otherwise they stay off and the
// statements read the parent tables, as correct and slower.
func (db *DB) checkPartitions(ctx context.Context) error {
	if db.dialect.Name != "postgres" {
		return nil
	}
	for _, table := range []string{"account_lookups", "business_flows"} {
		rows, err := db.write.QueryContext(ctx, `SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
			FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = to_regclass($1)`, table)
		if err != nil {
			return fmt.Errorf("storage: partitions of %s: %w", table, err)
		}
		found := 0
		for rows.Next() {
			var name, bound string
			if err := rows.Scan(&name, &bound); err != nil {
				rows.Close()
				return fmt.Errorf("storage: partitions of %s: %w", table, err)
			}
			for r := range accountPartitions {
				if name == table+"_p"+twoDigits(r) &&
					bound == fmt.Sprintf("FOR VALUES WITH (modulus %d, remainder %d)", accountPartitions, r) {
					found++
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("storage: partitions of %s: %w", table, err)
		}
		if found != accountPartitions {
			db.byPartition.Store(false)
			return nil
		}
		for _, key := range partitionSamples {
			var ok bool
			err := db.write.QueryRowContext(ctx, `SELECT satisfies_hash_partition(to_regclass($1)::oid, $2, $3, $4::text)`,
				table, accountPartitions, hashPartition(key, accountPartitions), key).Scan(&ok)
			if err != nil {
				return fmt.Errorf("storage: partition of %q in %s: %w", key, table, err)
			}
			if !ok {
				db.byPartition.Store(false)
				return nil
			}
		}
	}
	db.byPartition.Store(true)
	return nil
}

// partitionSamples are keys of every length hashPartition treats apart (none, under a word,
// the 12-byte blocks and each tail length) and an account id's form.
var partitionSamples = []string{"", "a", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijk", "abcdefghijkl",
	"abcdefghijklm", "01a24f69-b352-72b6-9da4-6fa586a69aa5", "Zhōngwén 账户"}

// hashPartition is the remainder of the hash partition PostgreSQL puts a text key in, for a table
// partitioned by hash of that one column into modulus partitions of equal modulus (as its
// get_partition_for_tuple does: hash_combine64(0, hashtextextended(key, HASH_PARTITION_SEED)) %
// modulus; text under a deterministic collation hashes its bytes).
func hashPartition(key string, modulus int) int {
	const seed = 0x7A5B22367996DCFD // PostgreSQL's HASH_PARTITION_SEED
	h := hashBytesExtended([]byte(key), seed)
	var row uint64
	row ^= h + 0x49a0f4dd15e5a8e3 + (row << 54) + (row >> 7) // hash_combine64(0, h)
	return int(row % uint64(modulus))
}

// hashBytesExtended is PostgreSQL's hash_bytes_extended (Bob Jenkins' lookup3, 64 bits out), as
// it runs on a little-endian machine: the byte order it reads words in changes the hash, and
// PostgreSQL's partitions are placed by the server's order. The bytes are read one by one, so
// the result does not depend on this machine's.
func hashBytesExtended(k []byte, seed uint64) uint64 {
	a := 0x9e3779b9 + uint32(len(k)) + 3923095
	b, c := a, a
	if seed != 0 {
		a += uint32(seed >> 32)
		b += uint32(seed)
		a, b, c = lookup3Mix(a, b, c)
	}
	for len(k) >= 12 {
		a += le32(k)
		b += le32(k[4:])
		c += le32(k[8:])
		a, b, c = lookup3Mix(a, b, c)
		k = k[12:]
	}
	// The last 0 to 11 bytes; the lowest byte of c is left out (lookup3 keeps it for the length).
	var tail [12]byte
	copy(tail[:], k)
	switch {
	case len(k) >= 9:
		c += uint32(tail[8])<<8 | uint32(tail[9])<<16 | uint32(tail[10])<<24
		fallthrough
	case len(k) >= 5:
		b += le32(tail[4:])
		fallthrough
	case len(k) >= 1:
		a += le32(tail[:])
	}
	a, b, c = lookup3Final(a, b, c)
	return uint64(b)<<32 | uint64(c)
}

func le32(k []byte) uint32 {
	return uint32(k[0]) | uint32(k[1])<<8 | uint32(k[2])<<16 | uint32(k[3])<<24
}

func lookup3Mix(a, b, c uint32) (uint32, uint32, uint32) {
	a -= c
	a ^= bits.RotateLeft32(c, 4)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 6)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 8)
	b += a
	a -= c
	a ^= bits.RotateLeft32(c, 16)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 19)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 4)
	b += a
	return a, b, c
}

func lookup3Final(a, b, c uint32) (uint32, uint32, uint32) {
	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return a, b, c
}
