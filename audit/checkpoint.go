package audit

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// The chain proves that nothing changed behind an event only to someone who knows a later hash
// from outside the database: anyone with write access could otherwise cut the tail and move the
// head, or delete an event and recompute every hash with the public Hash function, and the chain
// would still verify. Checkpoints are those outside copies (issue 16): at an interval and at
// shutdown purse signs every chain's head (Ed25519, with a key kept outside the database) and appends the
// signed line to sinks the operator chooses (a file, syslog, a webhook); `purse audit verify`
// reads them back and checks the chain against them by itself (VerifyCheckpoints).

// CheckpointType marks a checkpoint line, so that it can be found inside a syslog line.
const CheckpointType = "purse-audit-checkpoint"

// Checkpoint is a signed statement of every chain's head at a time: one JSON line,
// {"type":"purse-audit-checkpoint","v":2,"heads":[{"chain":0,"seq":…,"hash":…},…],"at":…,"kid":…,"sig":…}.
// One signature over all the heads is what joins the chains: cutting the tail of any of them
// contradicts every later checkpoint. The signature is Ed25519 over SignedBytes; kid is the first
// 16 hex digits of the public key's SHA-256.
//
// Version 1, written while the log was one chain, has "seq" and "hash" instead of "heads": it
// still verifies, as a statement of chain 0's head.
type Checkpoint struct {
	Type  string           `json:"type"`
	V     int              `json:"v"`
	Seq   int64            `json:"seq,omitempty"`  // v1
	Hash  string           `json:"hash,omitempty"` // v1
	Heads []CheckpointHead `json:"heads,omitempty"`
	At    time.Time        `json:"at"`
	KeyID string           `json:"kid"`
	Sig   string           `json:"sig"`
}

// CheckpointHead is one chain's head in a checkpoint.
type CheckpointHead struct {
	Chain int    `json:"chain"`
	Seq   int64  `json:"seq"`
	Hash  string `json:"hash"`
}

// SignedBytes are the bytes a checkpoint's signature covers. Version 2:
// "purse-audit-checkpoint/2 AT CHAIN:SEQ:HASH CHAIN:SEQ:HASH …", each chain's head in the order
// listed; version 1: "purse-audit-checkpoint/1 SEQ HASH AT". AT is RFC 3339 UTC with nanoseconds.
func (c *Checkpoint) SignedBytes() []byte {
	at := c.At.UTC().Format(time.RFC3339Nano)
	if c.V == 1 {
		return []byte(CheckpointType + "/1 " + strconv.FormatInt(c.Seq, 10) + " " + c.Hash + " " + at)
	}
	var b strings.Builder
	b.WriteString(CheckpointType + "/2 " + at)
	for _, h := range c.Heads {
		b.WriteString(" " + strconv.Itoa(h.Chain) + ":" + strconv.FormatInt(h.Seq, 10) + ":" + h.Hash)
	}
	return []byte(b.String())
}

// Anchors are the heads the checkpoint signed: every chain's for version 2, chain 0's for 1.
func (c *Checkpoint) Anchors() []Anchor {
	if c.V == 1 {
		return []Anchor{{Seq: c.Seq, Hash: c.Hash}}
	}
	as := make([]Anchor, len(c.Heads))
	for i, h := range c.Heads {
		as[i] = Anchor{Chain: h.Chain, Seq: h.Seq, Hash: h.Hash}
	}
	return as
}

// CheckpointKeyID names a verifying key.
func CheckpointKeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SignCheckpoint signs the heads (every chain's, from Heads) at the time.
func SignCheckpoint(key ed25519.PrivateKey, heads []Anchor, at time.Time) *Checkpoint {
	c := &Checkpoint{Type: CheckpointType, V: 2, Heads: make([]CheckpointHead, len(heads)), At: at.UTC(),
		KeyID: CheckpointKeyID(key.Public().(ed25519.PublicKey))}
	for i, h := range heads {
		c.Heads[i] = CheckpointHead{Chain: h.Chain, Seq: h.Seq, Hash: h.Hash}
	}
	c.Sig = base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, c.SignedBytes()))
	return c
}

// Line is the checkpoint as the sinks write it, without a newline.
func (c *Checkpoint) Line() []byte {
	b, _ := json.Marshal(c)
	return b
}

// Valid reports whether the signature is the key's over the checkpoint.
func (c *Checkpoint) Valid(pub ed25519.PublicKey) bool {
	sig, err := base64.RawURLEncoding.DecodeString(c.Sig)
	return err == nil && c.Type == CheckpointType && (c.V == 1 || c.V == 2) && ed25519.Verify(pub, c.SignedBytes(), sig)
}

// ReadCheckpoints finds the checkpoint lines in r: a sink's file, or syslog's own file with its
// prefixes (each line is read from its first `{"type":"purse-audit-checkpoint"`). Lines that do not
// parse are counted in bad, not skipped in silence.
func ReadCheckpoints(r io.Reader) (cps []*Checkpoint, bad int, err error) {
	marker := []byte(`{"type":"` + CheckpointType + `"`)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		i := bytes.Index(line, marker)
		if i < 0 {
			continue
		}
		var c Checkpoint
		if err := json.Unmarshal(bytes.TrimSpace(line[i:]), &c); err != nil {
			bad++
			continue
		}
		cps = append(cps, &c)
	}
	return cps, bad, sc.Err()
}

// LoadCheckpointKey reads the checkpoint signing key, an Ed25519 seed in 64 hex digits; with
// create and no file, it makes one (the demo).
func LoadCheckpointKey(path string, create bool) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("audit checkpoint key: %w", err)
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit checkpoint key: %w", err)
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("audit checkpoint key: want 64 hex digits (an Ed25519 seed)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
