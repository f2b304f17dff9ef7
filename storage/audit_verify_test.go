package storage_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// auditLog makes a log of n events, every fifth a signed closure, and
// returns the head.
func auditLog(t *testing.T, db *storage.DB, n int) pos.AuditEvent {
	t.Helper()
	var ev pos.AuditEvent
	var err error
	for i := 1; i <= n; i++ {
		e := pos.AuditEvent{Actor: "店主", Kind: pos.AuditLogin, Data: pos.AuditData(map[string]any{"i": i})}
		if i%5 == 0 {
			e.Kind = pos.AuditShiftClose
			ev, err = db.AppendClosure(ctx, e)
		} else {
			ev, err = db.AppendAudit(ctx, e)
		}
		must(t, err)
	}
	return ev
}

// tamper runs q on the file with the append-only triggers dropped, as an
// attacker with the file and the sqlite3 shell could.
func tamper(t *testing.T, db *storage.DB, q string, args ...any) {
	t.Helper()
	raw := rawDB(t, db.Path())
	for _, drop := range []string{"audit_events_no_update", "audit_events_no_delete",
		"audit_signatures_no_update", "audit_signatures_no_delete"} {
		_, err := raw.Exec(`DROP TRIGGER IF EXISTS ` + drop)
		must(t, err)
	}
	_, err := raw.Exec(q, args...)
	must(t, err)
}

func verify(t *testing.T, db *storage.DB, from int64, slips ...pos.AuditSlip) pos.AuditVerification {
	t.Helper()
	v, err := db.VerifyAudit(ctx, from, slips...)
	must(t, err)
	return v
}

func TestVerifyWholeChain(t *testing.T) {
	db := storagetest.NewDB(t)
	head := auditLog(t, db, 20)
	v := verify(t, db, 0, pos.SlipOf(head.Seq, head.Hash), pos.SlipOf(7, head.Hash))
	if v.Break == nil || v.Break.Seq != 7 {
		t.Errorf("a slip showing another hash at seq 7 should not match: %+v", v.Break)
	}
	ev7 := eventAt(t, db, 7)
	v = verify(t, db, 0, pos.SlipOf(head.Seq, head.Hash), pos.SlipOf(7, ev7.Hash))
	if !v.OK() || v.Checked != 20 || v.HeadSeq != 20 || v.Signatures != 4 || v.Slips != 2 {
		t.Errorf("whole chain: %+v", v)
	}
	if v := verify(t, db, 11); !v.OK() || v.Checked != 10 {
		t.Errorf("from 11: %+v", v)
	}
}

func eventAt(t *testing.T, db *storage.DB, seq int64) pos.AuditEvent {
	t.Helper()
	var got pos.AuditEvent
	must(t, db.ScanAudit(ctx, seq, func(ev pos.AuditEvent) error {
		if got.Seq == 0 {
			got = ev
		}
		return nil
	}))
	return got
}

// One event edited in the file, triggers dropped: verify names its seq.
func TestVerifyNamesEditedEvent(t *testing.T) {
	for _, col := range []string{"actor = '收银员'", "data = '{\"i\":99}'", "kind = 'sale'", "at = '2020-01-01T00:00:00.000000000Z'"} {
		db := storagetest.NewDB(t)
		auditLog(t, db, 12)
		tamper(t, db, `UPDATE audit_events SET `+col+` WHERE seq = 8`)
		if v := verify(t, db, 0); v.Break == nil || v.Break.Seq != 8 {
			t.Errorf("%s at seq 8: verify gave %+v", col, v.Break)
		}
	}
}

// Rewriting the chain after an edit (every hash recomputed) is caught by
// the next closure's signature.
func TestVerifyCatchesRewrittenChain(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 10)
	rechain(t, db, 3, `{"i":"forged"}`)
	if v := verify(t, db, 0); v.Break == nil || v.Break.Seq != 5 || !strings.Contains(v.Break.Reason, "signature") {
		t.Errorf("rewritten chain: %+v", v.Break)
	}
}

// rechain changes event seq's data and recomputes every hash after it.
func rechain(t *testing.T, db *storage.DB, seq int64, data string) {
	t.Helper()
	var evs []pos.AuditEvent
	must(t, db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error { evs = append(evs, ev); return nil }))
	prev := evs[seq-2].Hash
	for _, ev := range evs[seq-1:] {
		if ev.Seq == seq {
			ev.Data = data
		}
		ev.Prev, ev.Hash = prev, pos.ChainHash(prev, ev)
		tamper(t, db, `UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?`, ev.Data, ev.Prev, ev.Hash, ev.Seq)
		prev = ev.Hash
	}
}

func TestVerifyNamesDeletedEvent(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 12)
	tamper(t, db, `DELETE FROM audit_events WHERE seq = 6`)
	if v := verify(t, db, 0); v.Break == nil || v.Break.Seq != 6 {
		t.Errorf("deleted seq 6: verify gave %+v", v.Break)
	}
}

// A cut tail leaves a chain that checks; the head printed on a slip before
// the cut catches it.
func TestVerifySlipCatchesTruncatedTail(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 9)
	ev, err := db.AppendAudit(ctx, pos.AuditEvent{Actor: "店主", Kind: pos.AuditReprint})
	must(t, err)
	slip, err := pos.ParseAuditSlip(pos.SlipOf(ev.Seq, ev.Hash).String()) // as printed and typed back
	must(t, err)
	auditLog(t, db, 2)
	tamper(t, db, `DELETE FROM audit_events WHERE seq >= 10`)
	if v := verify(t, db, 0); !v.OK() || v.HeadSeq != 9 {
		t.Fatalf("the cut chain should check by itself: %+v", v)
	}
	if v := verify(t, db, 0, slip); v.Break == nil || v.Break.Seq != 10 {
		t.Errorf("slip %s after the cut: verify gave %+v", slip, v.Break)
	}
}

func TestVerifyClosureSignatures(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 10)
	tamper(t, db, `UPDATE audit_signatures SET signature = zeroblob(64) WHERE seq = 10`)
	if v := verify(t, db, 0); v.Break == nil || v.Break.Seq != 10 {
		t.Errorf("bad signature: %+v", v.Break)
	}
	tamper(t, db, `DELETE FROM audit_signatures WHERE seq = 5`)
	if v := verify(t, db, 0); v.Break == nil || v.Break.Seq != 5 {
		t.Errorf("missing signature: %+v", v.Break)
	}
	db2 := storagetest.NewDB(t)
	auditLog(t, db2, 5)
	must(t, os.Remove(storage.TillKeyPath(db2.Path())))
	_, err := storage.LoadOrCreateKey(storage.TillKeyPath(db2.Path()))
	must(t, err)
	if v := verify(t, db2, 0); v.Break == nil || v.Break.Seq != 5 {
		t.Errorf("another till key: %+v", v.Break)
	}
}

// The wall clock moving back is an event of its own, before the event that
// saw it.
func TestClockBackwardsAudited(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 2)
	db.Now = storagetest.Clock(storagetest.Epoch.Add(-time.Hour))
	ev, err := db.AppendAudit(ctx, pos.AuditEvent{Actor: "店主", Kind: pos.AuditLogin})
	must(t, err)
	back := eventAt(t, db, 3)
	if back.Kind != pos.AuditClockBackwards || ev.Seq != 4 {
		t.Errorf("after the clock moved back: seq 3 is %s, the login seq %d", back.Kind, ev.Seq)
	}
	if _, err := db.AppendAudit(ctx, pos.AuditEvent{Actor: "店主", Kind: pos.AuditLock}); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := db.AuditHead(ctx); h != 5 {
		t.Errorf("the clock moving forward again is no event: head %d", h)
	}
	if v := verify(t, db, 0); !v.OK() {
		t.Error(v.Break)
	}
}

func TestExportAudit(t *testing.T) {
	db := storagetest.NewDB(t)
	auditLog(t, db, 10)
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	m, err := db.ExportAudit(pos.WithActor(ctx, "os:owner"), 3, 7, path)
	must(t, err)
	sum, err := storage.ExportSum(path)
	must(t, err)
	if m.Count != 5 || m.From != 3 || m.To != 7 || m.SHA256 != sum {
		t.Errorf("manifest %+v, file sum %s", m, sum)
	}
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var seqs []int64
	for sc.Scan() {
		var line struct {
			Seq       int64           `json:"seq"`
			Data      json.RawMessage `json:"data"`
			Signature string          `json:"signature"`
		}
		must(t, json.Unmarshal(sc.Bytes(), &line))
		if (line.Seq == 5) != (line.Signature != "") {
			t.Errorf("line %d: signature %q", line.Seq, line.Signature)
		}
		seqs = append(seqs, line.Seq)
	}
	if len(seqs) != 5 || seqs[0] != 3 || seqs[4] != 7 {
		t.Errorf("exported seqs %v", seqs)
	}
	last := eventAt(t, db, 11)
	if last.Kind != pos.AuditExport || last.Actor != "os:owner" || !strings.Contains(last.Data, m.SHA256) {
		t.Errorf("the export's own event: %+v", last)
	}
	if _, err := db.ExportAudit(ctx, 7, 3, path); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("--to before --from: %v", err)
	}
}
