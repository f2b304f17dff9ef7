package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// TestRestoreStagedFromSettings: a backup chosen in the GUI is verified and
// staged, and the next start puts it in place, keeping the old database.
func TestRestoreStagedFromSettings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	ps := storagetest.Products(3)
	if err := db.ImportProducts(ctx, ps[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := (&storage.Backups{DB: db, Dir: filepath.Join(dir, "backups")}).BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportProducts(ctx, ps[1:]); err != nil { // after the backup
		t.Fatal(err)
	}
	d := restoreDeps(dir)
	list, err := d.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v, %v", list, err)
	}
	if err := d.Stage(ctx, list[0].Path); err != nil || !d.Pending() {
		t.Fatalf("stage: %v, pending %v", err, d.Pending())
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("not a database at all, not even close to one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Stage(ctx, garbage); err == nil || !d.Pending() {
		t.Errorf("staging garbage: %v; the earlier choice is kept: %v", err, d.Pending())
	}
	if err := db.Close(); err != nil { // the till closes; the next start applies it
		t.Fatal(err)
	}
	if applied, err := applyPendingRestore(dir); !applied || err != nil {
		t.Fatalf("apply: %v, %v", applied, err)
	}
	if d.Pending() {
		t.Error("the staged copy is still there")
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, dbFile+".before-restore-*")); len(aside) != 1 {
		t.Errorf("the old database was not kept: %v", aside)
	}
	db, err = storage.Open(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.Products(ctx); err != nil || len(got) != 1 || got[0].Barcode != ps[0].Barcode {
		t.Errorf("restored products %d, %v", len(got), err)
	}
	if applied, err := applyPendingRestore(dir); applied || err != nil {
		t.Errorf("nothing staged: %v, %v", applied, err)
	}
}

// TestRestoreStagedCopyDamaged: a staged copy damaged before the next
// start is set aside and the till keeps its database.
func TestRestoreStagedCopyDamaged(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, pendingRestoreFile), []byte("SQLite format 3\x00 and then rubbish"), 0o600); err != nil {
		t.Fatal(err)
	}
	if applied, err := applyPendingRestore(dir); applied || err == nil {
		t.Fatalf("damaged copy applied: %v, %v", applied, err)
	}
	failed, _ := filepath.Glob(filepath.Join(dir, "restore-failed-*.db"))
	if _, err := os.Stat(filepath.Join(dir, pendingRestoreFile)); !os.IsNotExist(err) || len(failed) != 1 {
		t.Errorf("staged copy not set aside: %v, %v", err, failed)
	}
	db, err = storage.Open(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatalf("the database was harmed: %v", err)
	}
	db.Close()
}
