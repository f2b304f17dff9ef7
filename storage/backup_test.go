package storage_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func TestBackupWhileOpen(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 20)
	s := newSale(t, db, "s1", at, ps[:3]...)
	must(t, db.SaveSale(ctx, s))
	dest := filepath.Join(t.TempDir(), "备份 2026-11-25.db")
	must(t, db.Backup(ctx, dest))
	must(t, db.SaveSale(ctx, newSale(t, db, "s2", at, ps[3]))) // after the backup: not in it

	fi, err := os.Stat(dest)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup has mode %o, want 600", fi.Mode().Perm())
	}
	if _, err := os.Stat(dest + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup left its temporary file: %v", err)
	}
	if hdr := readFile(t, dest)[18:20]; hdr[0] != 1 || hdr[1] != 1 { // file format: rollback journal
		t.Errorf("backup header says file format %v: a copy on a USB stick must not need a -wal", hdr)
	}
	copyDB, err := storage.Open(dest)
	must(t, err)
	defer copyDB.Close()
	must(t, copyDB.IntegrityCheck(ctx))
	got, err := copyDB.Sale(ctx, "s1")
	if err != nil || got.Total != s.Total {
		t.Errorf("backup's Sale(s1) = %v, %v; want the sale", got, err)
	}
	if _, err := copyDB.Sale(ctx, "s2"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("backup has s2, saved after it: %v", err)
	}
	if err := db.Backup(ctx, db.Path()); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Backup onto the database itself = %v, want CodeInvalid", err)
	}
}

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zhanggui.db")
	db, err := storage.Open(path)
	must(t, err)
	db.Now = storagetest.Clock(storagetest.Epoch)
	ps := storagetest.Seed(t, db, 5)
	must(t, db.SaveSale(ctx, newSale(t, db, "s1", at, ps[0])))
	backup := filepath.Join(dir, "backup.db")
	must(t, db.Backup(ctx, backup))
	must(t, db.SaveSale(ctx, newSale(t, db, "s2", at, ps[1])))
	must(t, db.Close())

	must(t, storage.Restore(backup, path))
	db, err = storage.Open(path)
	must(t, err)
	defer db.Close()
	if _, err := db.Sale(ctx, "s1"); err != nil {
		t.Errorf("restored Sale(s1): %v", err)
	}
	if _, err := db.Sale(ctx, "s2"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("restored database has s2, saved after the backup: %v", err)
	}
	aside, err := filepath.Glob(path + ".before-restore-*")
	must(t, err)
	if len(aside) != 1 {
		t.Fatalf("files set aside: %v, want the replaced database", aside)
	}
	old, err := storage.Open(aside[0])
	must(t, err)
	defer old.Close()
	if _, err := old.Sale(ctx, "s2"); err != nil {
		t.Errorf("the replaced database lost s2: %v", err)
	}
}

func TestRestoreRefusesCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zhanggui.db")
	db, err := storage.Open(path)
	must(t, err)
	must(t, db.Close())
	before := readFile(t, path)
	bad := filepath.Join(dir, "bad.db")
	writeFile(t, bad, []byte("this is not a backup"))
	if err := storage.Restore(bad, path); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Restore(garbage) = %v, want ErrCorrupt", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("a refused restore changed the database")
	}
	if err := storage.Restore(path, path); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Restore onto itself = %v, want CodeInvalid", err)
	}
}
