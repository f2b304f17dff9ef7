package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func names(t *testing.T, b *storage.Backups) []string {
	t.Helper()
	list, err := b.List()
	must(t, err)
	var out []string
	for _, i := range list {
		out = append(out, filepath.Base(i.Path))
	}
	return out
}

func TestBackupsRotate(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	clk := &manualClock{t: storagetest.Epoch}
	dir := filepath.Join(t.TempDir(), "备份")
	b := &storage.Backups{DB: db, Dir: dir, Keep: 3, Every: 6 * time.Hour, Now: clk.Now}

	made, err := b.Tick(ctx)
	must(t, err)
	if !made {
		t.Fatal("no first backup")
	}
	if made, _ := b.Tick(ctx); made {
		t.Error("a second backup at once: Every not respected")
	}
	for i := range 4 {
		clk.t = clk.t.Add(6 * time.Hour)
		must(t, db.SaveSale(ctx, newSale(t, db, "s"+string(rune('a'+i)), clk.t, ps[i%3])))
		if made, err := b.Tick(ctx); err != nil || !made {
			t.Fatalf("backup %d: %v, %v", i+2, made, err)
		}
	}
	got := names(t, b)
	want := []string{"zhanggui-20261126T020000.000Z.db", "zhanggui-20261125T200000.000Z.db", "zhanggui-20261125T140000.000Z.db"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("kept %v, want the newest three %v", got, want)
	}
	list, _ := b.List()
	if !list[0].At.Equal(clk.t) || list[0].Size == 0 {
		t.Errorf("newest %+v", list[0])
	}
	must(t, storage.VerifyBackup(ctx, list[0].Path))
	copyDB, err := storage.Open(list[0].Path)
	must(t, err)
	defer copyDB.Close()
	if _, err := copyDB.Sale(ctx, "sd"); err != nil {
		t.Errorf("the newest backup lacks the last sale: %v", err)
	}
	// On demand, twice in the same millisecond: both kept under their own names.
	_, err = b.BackupNow(ctx)
	must(t, err)
	_, err = b.BackupNow(ctx)
	must(t, err)
	if got := names(t, b); got[0] == got[1] {
		t.Errorf("two backups share a name: %v", got)
	}
}

func TestBackupsBadCopyNeverCounts(t *testing.T) {
	db := storagetest.NewDB(t)
	storagetest.Seed(t, db, 3)
	clk := &manualClock{t: storagetest.Epoch}
	dir := t.TempDir()
	b := &storage.Backups{DB: db, Dir: dir, Keep: 1, Every: time.Hour, Now: clk.Now}
	good, err := b.BackupNow(ctx)
	must(t, err)

	b.Check = func(ctx context.Context, path string) error {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		must(t, err)
		fi, err := f.Stat()
		must(t, err)
		for off := int64(4096); off < fi.Size(); off += 4096 { // every page header but the file's
			_, err = f.WriteAt([]byte("scribbled over by a dying disk"), off)
			must(t, err)
		}
		must(t, f.Close())
		return storage.VerifyBackup(ctx, path)
	}
	clk.t = clk.t.Add(time.Hour)
	made, err := b.Tick(ctx)
	if made || !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("Tick with a damaged copy: made %v, %v; want ErrCorrupt", made, err)
	}
	if got := names(t, b); len(got) != 1 || got[0] != filepath.Base(good.Path) {
		t.Errorf("backups after a bad copy: %v; want only the good one, not rotated out", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the bad copy left files: %v", entries)
	}
	must(t, storage.VerifyBackup(ctx, good.Path))
	if err := storage.VerifyBackup(ctx, filepath.Join(dir, "missing.db")); err == nil {
		t.Error("VerifyBackup of a missing file passed")
	}
	b.Check = nil
	if made, err := b.Tick(ctx); !made || err != nil {
		t.Errorf("the next good backup: %v, %v", made, err)
	}
}

// manualClock is a clock moved by setting t.
type manualClock struct{ t time.Time }

func (c *manualClock) Now() time.Time { return c.t }

// TestBackupsRun: Run makes the first backup at once, then one per
// Request, and stops with its context.
func TestBackupsRun(t *testing.T) {
	db := storagetest.NewDB(t)
	made := make(chan string, 4)
	b := &storage.Backups{DB: db, Dir: t.TempDir(), Every: time.Hour,
		Check: func(ctx context.Context, path string) error {
			err := storage.VerifyBackup(ctx, path)
			made <- path
			return err
		}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); b.Run(ctx, func(err error) { t.Errorf("Run: %v", err) }) }()
	<-made // none existed: one at once
	b.Request()
	<-made
	cancel()
	<-stopped
	if got := names(t, b); len(got) != 2 {
		t.Errorf("backups %v, want 2", got)
	}
}
