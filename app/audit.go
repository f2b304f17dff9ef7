package app

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

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

func (s *slipFlags) String() string {
	if s == nil || len(*s) == 0 {
		return ""
	}
	return fmt.Sprint(*s)
}

func (s *slipFlags) Set(v string) error {
	slip, err := pos.ParseAuditSlip(v)
	if err != nil {
		return err
	}
	*s = append(*s, slip)
	return nil
}

var auditCommand = command{
	name: "audit", summary: "verify or export the tamper-evident audit log",
	usage: "verify [--from SEQ] [--slip SEQ:HEX]... | export [--from SEQ] [--to SEQ] FILE",
	about: "verify recomputes the audit chain from --from (default 1) to its head: every hash, every\n" +
		"gap, every shift close's and Z report's signature (till.key beside the database), and each\n" +
		"head typed from a printed slip (交班单); it prints the first broken seq. export writes the\n" +
		"events as JSON lines to FILE and FILE.manifest.json with the file's SHA-256. Both act, and\n" +
		"are recorded in the log, as os:USER, the data directory's owner.",
	example: "zhanggui audit verify --slip 1234:9f3a61c0de42\nzhanggui audit export --from 1 audit.jsonl",
	exits: []string{"0  verify: the chain is whole; export: written", "1  failed (the database cannot be read)",
		"2  bad usage", "3  verify: the chain is broken (the first broken seq is printed)"},
	flags: func() *flag.FlagSet { return auditFlags(new(auditOptions)) },
	run:   runAudit,
}

// auditOptions are the flags of audit verify and audit export.
type auditOptions struct {
	from, to int64
	slips    slipFlags
}

func auditFlags(o *auditOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.Int64Var(&o.from, "from", 1, "the first seq (verify takes the hash before it as written)")
	fs.Int64Var(&o.to, "to", 0, "export: the last seq; 0: the head")
	fs.Var(&o.slips, "slip", "verify: a head printed on a slip, SEQ:HEX (at least 8 hex digits); repeatable")
	return fs
}

// runAudit is `zhanggui audit verify|export ...`.
func runAudit(e *env, args []string) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "export") {
		return e.usageError("verify or export, not %q", args)
	}
	var o auditOptions
	fs := auditFlags(&o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args[1:]); err != nil {
		return e.usageError("%v", err)
	}
	if o.from < 1 || o.to < 0 {
		return e.usageError("--from is 1 or more, --to 0 or more")
	}
	if args[0] == "verify" {
		if fs.NArg() > 0 || o.to != 0 {
			return e.usageError("verify takes no file and no --to, not %q", fs.Args())
		}
		return runAuditVerify(e, o)
	}
	if fs.NArg() != 1 || len(o.slips) > 0 {
		return e.usageError("export takes one FILE and no --slip, not %q", fs.Args())
	}
	return runAuditExport(e, o, fs.Arg(0))
}

// runAuditVerify recomputes the chain and exits 0 when it is whole, 3 at
// the first break (printed), 1 when the database cannot be read. The check
// itself is recorded in the log.
func runAuditVerify(e *env, o auditOptions) int {
	broken := false
	code := withDB(e, func(ctx context.Context, db *storage.DB) error {
		v, err := db.VerifyAudit(ctx, o.from, o.slips...)
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
	if v.Checked == 0 {
		fmt.Fprintln(e.stdout, "ok: the audit log is empty")
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
func runAuditExport(e *env, o auditOptions, path string) int {
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		m, err := db.ExportAudit(ctx, o.from, o.to, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "exported %d events (seq %d to %d) to %s; manifest %s.manifest.json, sha256 %s\n",
			m.Count, m.From, m.To, path, path, m.SHA256)
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
