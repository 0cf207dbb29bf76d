package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// CheckpointFlags configure the audit checkpoints (docs/deployment.md, "Audit checkpoints"):
// serve writes them, `purse audit verify` reads the file sinks back with the same settings.
type CheckpointFlags struct {
	AuditCheckpointKey      string        `name:"audit-checkpoint-key" env:"PURSE_AUDIT_CHECKPOINT_KEY_FILE" help:"File holding the Ed25519 seed (64 hex digits) that signs audit checkpoints; keep it outside the database. With --demo and none, one is made next to the database."`
	AuditCheckpointSink     []string      `name:"audit-checkpoint-sink" env:"PURSE_AUDIT_CHECKPOINT_SINK" help:"Where signed checkpoints of the audit chain's head are appended: file:PATH, syslog:, syslog://host:port (UDP), syslog+tcp://host:port or an https:// webhook; repeatable. With --demo and none, file:DB.checkpoints."`
	AuditCheckpointInterval time.Duration `name:"audit-checkpoint-interval" default:"10m" env:"PURSE_AUDIT_CHECKPOINT_INTERVAL" help:"How often the audit chain's head is checkpointed (also at start and at shutdown)."`
}

// demoPath is a file next to the database, for what --demo makes when none is given.
func demoPath(db, suffix string) string {
	if isURL(db) {
		return "purse-demo" + suffix
	}
	return db + suffix
}

// checkpointer builds serve's checkpointer; nil when none is configured (refused outside --demo by
// production).
func (f CheckpointFlags) checkpointer(store purse.Store, clk purse.Clock, log *slog.Logger, demo bool, db string) (*audit.Checkpointer, error) {
	keyFile, sinks := f.AuditCheckpointKey, f.AuditCheckpointSink
	if demo && keyFile == "" {
		keyFile = demoPath(db, ".checkpoint.key")
	}
	if demo && len(sinks) == 0 {
		sinks = []string{"file:" + demoPath(db, ".checkpoints")}
	}
	if keyFile == "" || len(sinks) == 0 {
		return nil, nil
	}
	key, err := audit.LoadCheckpointKey(keyFile, demo && f.AuditCheckpointKey == "")
	if err != nil {
		return nil, err
	}
	cp := &audit.Checkpointer{Store: store, Key: key, Clock: clk, Interval: f.AuditCheckpointInterval, Log: log}
	for _, s := range sinks {
		sink, err := audit.ParseSink(s)
		if err != nil {
			return nil, fmt.Errorf("--audit-checkpoint-sink: %w", err)
		}
		cp.Sinks = append(cp.Sinks, sink)
	}
	return cp, nil
}

// missing names what production lacks for checkpoints.
func (f CheckpointFlags) missing() []string {
	var m []string
	if f.AuditCheckpointKey == "" {
		m = append(m, "an audit checkpoint key (--audit-checkpoint-key FILE, outside the database)")
	}
	if len(f.AuditCheckpointSink) == 0 {
		m = append(m, "an audit checkpoint sink (--audit-checkpoint-sink file:PATH or syslog://host:port)")
	}
	if f.AuditCheckpointInterval <= 0 {
		m = append(m, "a positive --audit-checkpoint-interval")
	}
	return m
}

// verifying returns the public key and the checkpoint files that `purse audit verify` reads: the
// file sinks of the flags, and the files given with --checkpoints (a syslog server's file).
func (f CheckpointFlags) verifying(publicKey string, extra []string) (ed25519.PublicKey, []string, error) {
	var files []string
	for _, s := range f.AuditCheckpointSink {
		if p, ok := strings.CutPrefix(s, "file:"); ok {
			files = append(files, p)
		}
	}
	files = append(files, extra...)
	switch {
	case publicKey != "":
		b, err := hex.DecodeString(strings.TrimSpace(publicKey))
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, nil, errors.New("--audit-checkpoint-public-key: want 64 hex digits")
		}
		return b, files, nil
	case f.AuditCheckpointKey != "":
		key, err := audit.LoadCheckpointKey(f.AuditCheckpointKey, false)
		if err != nil {
			return nil, nil, err
		}
		return key.Public().(ed25519.PublicKey), files, nil
	}
	return nil, files, nil
}

// readCheckpoints reads every checkpoint line of the files.
func readCheckpoints(files []string) ([]*audit.Checkpoint, int, error) {
	var all []*audit.Checkpoint
	bad := 0
	for _, p := range files {
		fh, err := os.Open(p)
		if err != nil {
			return nil, 0, fmt.Errorf("checkpoints: %w", err)
		}
		cps, b, err := audit.ReadCheckpoints(fh)
		fh.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("checkpoints %s: %w", p, err)
		}
		all, bad = append(all, cps...), bad+b
	}
	return all, bad, nil
}
