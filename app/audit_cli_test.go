package app

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
)

// auditShop makes a data directory whose log holds a few events, one a
// signed closure, and returns it with its database's path.
func auditShop(t *testing.T) (dir, dbPath string) {
	t.Helper()
	dir = t.TempDir()
	dbPath = filepath.Join(dir, dbFile)
	db, err := storage.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, k := range []pos.AuditKind{pos.AuditLogin, pos.AuditDrawerOpen, pos.AuditShiftClose, pos.AuditLock} {
		ev := pos.AuditEvent{Actor: "店主", Kind: k}
		if k.IsClosure() {
			_, err = db.AppendClosure(ctx, ev)
		} else {
			_, err = db.AppendAudit(ctx, ev)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir, dbPath
}

func sqlite(t *testing.T, path string, qs ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range qs {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

var ctx = context.Background()

var headRE = regexp.MustCompile(`head (\d+:[0-9a-f]+)`)

func TestAuditVerifyCommand(t *testing.T) {
	dir, dbPath := auditShop(t)
	code, out, errs := run(t, "--data-dir", dir, "audit", "verify")
	if code != 0 || !strings.Contains(out, "ok: 4 events") || !strings.Contains(out, "1 closure signatures") {
		t.Fatalf("whole chain: %d %q %q", code, out, errs)
	}
	slip := headRE.FindStringSubmatch(out)[1] // the head as a slip prints it: seq 4
	// The verify itself is seq 5, under the data directory's owner.
	db, err := storage.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := db.AuditEvents(ctx, pos.AuditFilter{Kind: pos.AuditVerify})
	db.Close()
	if err != nil || len(evs) != 1 || !strings.HasPrefix(evs[0].Actor, "os:") {
		t.Errorf("the verify's own event: %+v, %v", evs, err)
	}
	for _, bad := range [][]string{{"--slip", "4:xyz"}, {"--from", "0"}, {"extra"}} {
		if code, _, _ := run(t, append([]string{"--data-dir", dir, "audit", "verify"}, bad...)...); code != 2 {
			t.Errorf("verify %v: exit %d, want 2", bad, code)
		}
	}
	sqlite(t, dbPath, `DROP TRIGGER audit_events_no_delete`, `DELETE FROM audit_events WHERE seq >= 4`)
	if code, out, _ := run(t, "--data-dir", dir, "audit", "verify"); code != 0 {
		t.Errorf("the cut chain checks by itself: %d %q", code, out)
	}
	code, out, _ = run(t, "--data-dir", dir, "audit", "verify", "--slip", slip)
	if code != exitAuditBroken || !strings.Contains(out, "BROKEN at seq 4") {
		t.Errorf("slip %s after the tail was cut: %d %q", slip, code, out)
	}
	sqlite(t, dbPath, `DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET actor = '收银员' WHERE seq = 2`)
	if code, out, _ := run(t, "--data-dir", dir, "audit", "verify"); code != exitAuditBroken || !strings.Contains(out, "BROKEN at seq 2") {
		t.Errorf("an edited event: %d %q", code, out)
	}
	if code, out, _ := run(t, "--data-dir", dir, "audit", "verify", "--from", "3"); code != 0 {
		t.Errorf("from 3, past the edit: %d %q", code, out)
	}
}

func TestAuditExportCommand(t *testing.T) {
	dir, _ := auditShop(t)
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	code, out, errs := run(t, "--data-dir", dir, "audit", "export", "--from", "2", "--to", "3", file)
	if code != 0 || !strings.Contains(out, "exported 2 events") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil || strings.Count(string(b), "\n") != 2 {
		t.Errorf("export file %q, %v", b, err)
	}
	sum, _ := storage.ExportSum(file)
	if m, err := os.ReadFile(file + ".manifest.json"); err != nil || !strings.Contains(string(m), sum) {
		t.Errorf("manifest %s does not name the file's sum %s (%v)", m, sum, err)
	}
	xlsx := filepath.Join(t.TempDir(), "products.xlsx")
	if code, _, errs := run(t, "--data-dir", dir, "export-products", xlsx); code != 0 {
		t.Fatalf("export-products: %d %q", code, errs)
	}
	db, err := storage.Open(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := db.AuditEvents(ctx, pos.AuditFilter{Kind: pos.AuditExport})
	db.Close()
	if err != nil || len(evs) != 2 || evs[0].Subject != "products:products.xlsx" || !strings.HasPrefix(evs[1].Actor, "os:") {
		t.Errorf("the exports' events: %+v, %v", evs, err)
	}
	if code, _, _ := run(t, "--data-dir", dir, "audit", "export"); code != 2 {
		t.Errorf("export without FILE: %d", code)
	}
	if code, _, _ := run(t, "--data-dir", dir, "audit"); code != 2 {
		t.Errorf("audit without a subcommand: %d", code)
	}
}

// Choosing a backup in settings is recorded under the staff member; the
// stage failing records nothing.
func TestAuditStage(t *testing.T) {
	_, dbPath := auditShop(t)
	db, err := storage.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fail := auditStage(db, func(context.Context, string) error { return os.ErrNotExist })
	ok := auditStage(db, func(context.Context, string) error { return nil })
	asOwner := pos.WithActor(ctx, "店主")
	if err := fail(asOwner, "/backups/a.db"); err == nil {
		t.Fatal("a failed stage succeeded")
	}
	if err := ok(asOwner, "/backups/b.db"); err != nil {
		t.Fatal(err)
	}
	evs, err := db.AuditEvents(ctx, pos.AuditFilter{Kind: pos.AuditRestore})
	if err != nil || len(evs) != 1 || evs[0].Subject != "staged:b.db" || evs[0].Actor != "店主" {
		t.Errorf("restore events %+v, %v", evs, err)
	}
}
