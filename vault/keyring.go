package vault

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Keyring is the operator's master key in versions. Every version is a 32-byte key; the highest is
// current: new data keys are wrapped under it and `purse keys rotate` rewraps the others under it.
// A version no live data key needs any more can be destroyed (removed from the keyring) once no
// backup within the backup-retention window needs it: every copy of a data key wrapped under it,
// in a backup, a dead row or a WAL segment, then no longer opens. That is how a backup stops
// revealing a purged account (docs/retention.md).
//
// The lookup key (the keyed hashes that find an account by phone or e-mail) is not versioned: the
// stored hashes of live accounts must keep matching. It is derived from version 1; once version 1
// is destroyed the keyring carries the derived lookup key on a line of its own, so that the
// destroyed version's wrapping key goes with it.
type Keyring struct {
	Versions map[int][]byte
	// Lookup is the derived lookup key; nil derives it from version 1.
	Lookup []byte
}

// SingleKey is the keyring of a master key written without versions: version 1.
func SingleKey(master []byte) Keyring { return Keyring{Versions: map[int][]byte{1: master}} }

// ParseKeyring reads a master-key setting: a single key (64 hex digits or base64), which is
// version 1, or one version per line, "<version> <key>", with an optional "lookup <64 hex digits>"
// line and # comments.
func ParseKeyring(text string) (Keyring, error) {
	if k, err := ParseMasterKey(text); err == nil {
		return SingleKey(k), nil
	}
	ring := Keyring{Versions: map[int][]byte{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 2 {
			return Keyring{}, fmt.Errorf("vault: keyring line %d: want \"<version> <key>\" or \"lookup <key>\"", line)
		}
		key, err := ParseMasterKey(f[1])
		if err != nil {
			return Keyring{}, fmt.Errorf("vault: keyring line %d: %w", line, err)
		}
		if f[0] == "lookup" {
			ring.Lookup = key
			continue
		}
		v, err := strconv.Atoi(f[0])
		if err != nil || v < 1 || v > maxVersion {
			return Keyring{}, fmt.Errorf("vault: keyring line %d: version %q must be a number from 1 to %d", line, f[0], maxVersion)
		}
		if _, dup := ring.Versions[v]; dup {
			return Keyring{}, fmt.Errorf("vault: keyring line %d: version %d given twice", line, v)
		}
		ring.Versions[v] = key
	}
	if len(ring.Versions) == 0 {
		return Keyring{}, errors.New("vault: master key must be 32 bytes as 64 hex digits or base64, or a keyring of \"<version> <key>\" lines")
	}
	if ring.Lookup == nil && ring.Versions[1] == nil {
		return Keyring{}, errors.New("vault: the keyring has neither version 1 nor a \"lookup\" line: add the lookup line `purse keys destroy 1` printed")
	}
	return ring, nil
}

// Format writes the keyring in the form ParseKeyring reads.
func (r Keyring) Format() string {
	var b strings.Builder
	b.WriteString("# purse master keys: \"<version> <key>\", the highest version is current (docs/deployment.md)\n")
	if r.Lookup != nil {
		fmt.Fprintf(&b, "lookup %s\n", hex.EncodeToString(r.Lookup))
	}
	for _, v := range r.versions() {
		fmt.Fprintf(&b, "%d %s\n", v, hex.EncodeToString(r.Versions[v]))
	}
	return b.String()
}

// Without returns the keyring without the version; when that is version 1 it keeps the lookup key
// derived from it, and nothing else of it.
func (r Keyring) Without(version int) Keyring {
	out := Keyring{Versions: map[int][]byte{}, Lookup: r.lookupKey()}
	for v, k := range r.Versions {
		if v != version {
			out.Versions[v] = k
		}
	}
	return out
}

func (r Keyring) lookupKey() []byte {
	if r.Lookup != nil {
		return r.Lookup
	}
	return derive(r.Versions[1], "purse lookup v1")
}

func (r Keyring) versions() []int {
	out := make([]int, 0, len(r.Versions))
	for v := range r.Versions {
		out = append(out, v)
	}
	sort.Ints(out)
	return out
}

// maxVersion keeps a version in the two bytes a wrapped key stores it in.
const maxVersion = 1<<16 - 1

// Wrapped data keys are stored as version (2 bytes, big-endian) ‖ nonce ‖ ciphertext, with the
// account id and the version bound in as associated data. Keys wrapped before versions existed
// are the 60 bytes of nonce ‖ ciphertext alone, under version 1 with the account id as associated
// data: every data key is 32 bytes, so the two forms differ by length.
const legacyWrapped = 12 + KeySize + 16

// VersionOf returns the master-key version a wrapped data key was wrapped under, 0 for nil.
func VersionOf(wrapped []byte) int {
	switch {
	case len(wrapped) == 0:
		return 0
	case len(wrapped) == legacyWrapped:
		return 1
	case len(wrapped) == legacyWrapped+2:
		return int(binary.BigEndian.Uint16(wrapped))
	}
	return -1
}

func wrapAD(accountID string, version int) []byte {
	return []byte(accountID + "\x00v" + strconv.Itoa(version))
}

// ErrVersionDestroyed means a wrapped data key was wrapped under a master-key version the keyring
// no longer has: it was destroyed, and what the key sealed cannot be read any more.
var ErrVersionDestroyed = errors.New("vault: the master-key version that wrapped this data key is not in the keyring (destroyed?)")
