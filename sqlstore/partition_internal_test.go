package sqlstore

import "testing"

// The hashes and partitions PostgreSQL 15 gave these keys (hashtextextended with
// HASH_PARTITION_SEED, satisfies_hash_partition with modulus 16): one key of each tail length
// class, an account id's form, and multi-byte UTF-8.
func TestHashPartitionIsPostgreSQLs(t *testing.T) {
	for _, c := range []struct {
		key       string
		hash      int64
		partition int
	}{
		{"", -5700645584453517373, 6},
		{"a", -6705225459120232837, 14},
		{"abcdefgh", -7754745184861941070, 5},
		{"abcdefghijk", -2046435308545367432, 11},
		{"abcdefghijkl", -7876791541613377658, 9},
		{"abcdefghijklm", -6785754114725280077, 6},
		{"01a24f69-b352-72b6-9da4-6fa586a69aa5", -3346680453942819583, 4},
		{"Zhōngwén 账户", -2532667610719574326, 13},
	} {
		if h := int64(hashBytesExtended([]byte(c.key), 0x7A5B22367996DCFD)); h != c.hash {
			t.Errorf("hash of %q = %d, PostgreSQL's is %d", c.key, h, c.hash)
		}
		if p := hashPartition(c.key, 16); p != c.partition {
			t.Errorf("partition of %q = %d, PostgreSQL's is %d", c.key, p, c.partition)
		}
	}
}
