package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/audit"
)

// AuditCmd groups the audit log's tools.
type AuditCmd struct {
	Verify AuditVerifyCmd `cmd:"" help:"Walk the audit chains and name the first broken event (exit status 1)."`
}

// AuditVerifyCmd checks the hash chains of the audit log, and the chains against the signed
// checkpoints serve appended to its sinks (the file sinks of the same flags, and --checkpoints).
type AuditVerifyCmd struct {
	StoreFlags
	CheckpointFlags
	Checkpoints []string `type:"existingfile" help:"A file holding checkpoint lines besides the file sinks (e.g. the syslog server's file); repeatable."`
	PublicKey   string   `name:"audit-checkpoint-public-key" env:"PURSE_AUDIT_CHECKPOINT_PUBLIC_KEY" help:"The checkpoint key's public half (64 hex digits), for verifying on a machine that does not hold the private key."`
	Anchor      []string `help:"An anchor recorded earlier (CHAIN:SEQ:HASH, or SEQ:HASH for chain 0, from this command's output or the server log's \"audit anchor\" lines) that must still be part of its chain; repeatable."`
}

// Run prints "OK" with the number of events, or the first broken event and exits non-zero.
func (c *AuditVerifyCmd) Run() error {
	return c.run(context.Background(), os.Stdout)
}

func (c *AuditVerifyCmd) run(ctx context.Context, out io.Writer) error {
	if err := c.existing(); err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, c.DB, purse.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	pub, files, err := c.verifying(c.PublicKey, c.Checkpoints)
	if err != nil {
		return err
	}
	cps, bad, err := readCheckpoints(files)
	if err != nil {
		return err
	}
	rep, err := audit.VerifyCheckpoints(ctx, store, pub, cps)
	if err != nil {
		return err
	}
	r := rep.Chain
	if r.FirstBroken != 0 {
		fmt.Fprintf(out, "BROKEN at event %d of chain %d: %s (%d events before it verified)\n", r.FirstBroken, r.Chain, r.Reason, r.Events)
	}
	if pub != nil {
		if err := checkpointFindings(out, rep, pub, files, bad); err != nil {
			return err
		}
	}
	if r.FirstBroken != 0 {
		return fmt.Errorf("audit chain %d broken at event %d", r.Chain, r.FirstBroken)
	}
	for _, raw := range c.Anchor {
		a, err := audit.ParseAnchor(raw)
		if err != nil {
			return err
		}
		ok, err := audit.Holds(ctx, store, a)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(out, "BROKEN: anchor %s is no longer in chain %d: the events up to %d were rewritten\n", a, a.Chain, a.Seq)
			return fmt.Errorf("audit anchor %s does not hold", a)
		}
	}
	heads := rep.Heads
	fmt.Fprintf(out, "OK: %d events in %d chains, all intact, %d anchors hold; heads%s\n", r.Events, len(heads), len(c.Anchor), moved(heads))
	if pub == nil {
		fmt.Fprintln(out, "WARNING: no checkpoint key given (--audit-checkpoint-key or --audit-checkpoint-public-key): a chain cut short or rewritten with recomputed hashes would pass")
		return nil
	}
	l := rep.Latest
	signed := int64(0)
	for _, a := range l.Anchors() {
		signed += a.Seq
	}
	fmt.Fprintf(out, "OK: %d signed checkpoints hold; the latest, at %s, has %d events; the %d events after it are covered by their chains alone\n",
		rep.Checked, l.At.Format(time.RFC3339), signed, rep.Events()-signed)
	return nil
}

// moved lists the heads of the chains that have events, each after a space: the anchors to keep.
func moved(heads []audit.Anchor) string {
	var b strings.Builder
	for _, h := range heads {
		if h.Seq > 0 {
			b.WriteString(" " + h.String())
		}
	}
	if b.Len() == 0 {
		return " none"
	}
	return b.String()
}

// checkpointFindings prints what the checkpoints found (the first ten of each kind, and how many
// more) and fails when anything was found, or when no checkpoint could be read at all: an emptied
// sink is not a clean record.
func checkpointFindings(out io.Writer, rep *audit.Report, pub ed25519.PublicKey, files []string, bad int) error {
	if rep.Checked == 0 && rep.OK() {
		fmt.Fprintf(out, "BROKEN: no checkpoint signed by key %s in %s\n", audit.CheckpointKeyID(pub), strings.Join(files, ", "))
		return errors.New("no audit checkpoints to verify against")
	}
	shown := map[string]int{}
	for _, f := range rep.Findings {
		if shown[f.Kind]++; shown[f.Kind] <= 10 {
			fmt.Fprintf(out, "%s: %s\n", strings.ToUpper(f.Kind), f.Detail)
		}
	}
	for kind, n := range shown {
		if n > 10 {
			fmt.Fprintf(out, "%s: %d more\n", strings.ToUpper(kind), n-10)
		}
	}
	if bad > 0 {
		fmt.Fprintf(out, "WARNING: %d checkpoint lines did not parse\n", bad)
	}
	if !rep.OK() {
		return fmt.Errorf("audit chain does not match its checkpoints (%d findings)", len(rep.Findings))
	}
	return nil
}
