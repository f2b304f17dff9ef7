package app

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"zhanggui/app/ui/auditlog"
	"zhanggui/pos"
	"zhanggui/storage"
)

// Exit statuses of `zhanggui audit verify`.
const (
	exitAuditBroken = 3 // the chain is broken: the first broken seq is printed
)

// slipFlags collects repeated --slip SEQ:HEX heads.
type slipFlags []pos.AuditSlip

func (s *slipFlags) String() string { return fmt.Sprint(*s) }

func (s *slipFlags) Set(v string) error {
	slip, err := pos.ParseAuditSlip(v)
	if err != nil {
		return err
	}
	*s = append(*s, slip)
	return nil
}

// runAudit is `zhanggui audit verify|export ...`.
func runAudit(e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return runAuditVerify(e, args[1:])
		case "export":
			return runAuditExport(e, args[1:])
		}
	}
	fmt.Fprintln(e.stderr, "usage: zhanggui audit verify [--from SEQ] [--slip SEQ:HEX]... | audit export [--from SEQ] [--to SEQ] FILE")
	return 2
}

// runAuditVerify recomputes the chain and exits 0 when it is whole, 3 at
// the first break (printed), 1 when the database cannot be read, 2 on bad
// usage. The check itself is recorded in the log, under os:USER.
func runAuditVerify(e *env, args []string) int {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.Int64("from", 1, "the first seq to check (the hash before it is taken as written)")
	var slips slipFlags
	fs.Var(&slips, "slip", "a head printed on a slip, SEQ:HEX (at least 8 hex digits); repeatable")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *from < 1 {
		fmt.Fprintln(e.stderr, "usage: zhanggui audit verify [--from SEQ] [--slip SEQ:HEX]...")
		return 2
	}
	broken := false
	code := withDB(e, func(ctx context.Context, db *storage.DB) error {
		v, err := db.VerifyAudit(ctx, *from, slips...)
		if err != nil {
			return err
		}
		broken = !v.OK()
		printVerification(e, v)
		_, err = db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditVerify, Subject: "audit",
			Data: pos.AuditData(verificationData(v))})
		return err
	})
	if code == 0 && broken {
		return exitAuditBroken
	}
	return code
}

func printVerification(e *env, v pos.AuditVerification) {
	if v.Break != nil {
		fmt.Fprintf(e.stdout, "BROKEN at seq %d: %s\n", v.Break.Seq, v.Break.Reason)
		fmt.Fprintf(e.stdout, "checked %d events from seq %d before the break\n", v.Checked, v.From)
		return
	}
	fmt.Fprintf(e.stdout, "ok: %d events from seq %d, head %s, %d closure signatures, %d slip heads\n",
		v.Checked, v.From, pos.SlipOf(v.HeadSeq, v.HeadHash), v.Signatures, v.Slips)
}

func verificationData(v pos.AuditVerification) map[string]any {
	d := map[string]any{"from": v.From, "checked": v.Checked, "head": v.HeadSeq,
		"head_hash": hex.EncodeToString(v.HeadHash), "ok": v.OK()}
	if v.Break != nil {
		d["break_seq"], d["break"] = v.Break.Seq, v.Break.Reason
	}
	return d
}

// runAuditExport writes events as JSON lines, with FILE.manifest.json.
func runAuditExport(e *env, args []string) int {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.Int64("from", 1, "the first seq")
	to := fs.Int64("to", 0, "the last seq; 0: the head")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *from < 1 || *to < 0 {
		fmt.Fprintln(e.stderr, "usage: zhanggui audit export [--from SEQ] [--to SEQ] FILE")
		return 2
	}
	path := fs.Arg(0)
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		m, err := db.ExportAudit(ctx, *from, *to, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "exported %d events (seq %d to %d) to %s; manifest %s.manifest.json, sha256 %s\n",
			m.Count, m.From, m.To, path, path, strings.ToLower(m.SHA256))
		return nil
	})
}

// auditRestore records, in the database just restored, that it was: the
// events after the backup was made are in the database set aside.
func auditRestore(ctx context.Context, db *storage.DB, log *slog.Logger, how string) {
	_, err := db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditRestore, Subject: "database",
		Data: pos.AuditData(map[string]any{"how": how})})
	if err != nil {
		log.Error("the restore could not be recorded in the audit log", "err", err)
	}
}

// auditDeps wires the owner's audit screen to the store; the screen shows
// times in the shop's zone, which it knows.
func auditDeps(db *storage.DB) auditlog.Deps {
	return auditlog.Deps{
		Events: db.AuditEvents,
		Verify: func(ctx context.Context) (pos.AuditVerification, error) { return db.VerifyAudit(ctx, 1) },
	}
}

// auditExport records that data left the till in a file: what, where and
// how many rows, under the context's actor.
func auditExport(ctx context.Context, db *storage.DB, what, path string, rows int) error {
	_, err := db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditExport, Subject: what + ":" + filepath.Base(path),
		Data: pos.AuditData(map[string]any{"path": path, "rows": rows})})
	return err
}

// auditStage records, under the staff member the context names, that a
// backup was chosen to replace the database at the next start (the start
// records the restore itself in the database restored).
func auditStage(db *storage.DB, stage func(ctx context.Context, path string) error) func(context.Context, string) error {
	return func(ctx context.Context, path string) error {
		if err := stage(ctx, path); err != nil {
			return err
		}
		_, err := db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditRestore, Subject: "staged:" + filepath.Base(path),
			Data: pos.AuditData(map[string]any{"path": path, "applies": "at the next start"})})
		return err
	}
}
