package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhanggui/storage"
)

// TestRestoreDialog lists the till's real automatic backups, newest first,
// in the shop's time, and stages the one the owner picks: 重启后生效.
func TestRestoreDialog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b := &storage.Backups{DB: f.db, Dir: filepath.Join(t.TempDir(), "backups")}
	for range 2 {
		if _, err := b.BackupNow(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // backups are named by the millisecond
	}
	var staged string
	f.app.deps.Restore = RestoreDeps{
		List: func() ([]BackupEntry, error) {
			infos, err := b.List()
			var out []BackupEntry
			for _, i := range infos {
				out = append(out, BackupEntry{Path: i.Path, At: i.At, Size: i.Size})
			}
			return out, err
		},
		Stage:   func(ctx context.Context, path string) error { staged = path; return storage.VerifyBackup(ctx, path) },
		Pending: func() bool { return staged != "" },
	}
	s := f.app.setup
	rd := s.onRestore()
	if rd == nil || len(rd.entries) != 2 || len(rd.choice.Options) != 2 {
		t.Fatalf("dialog %+v (message %q)", rd, s.msg.Text)
	}
	if !rd.entries[0].At.After(rd.entries[1].At) {
		t.Errorf("not newest first: %v", rd.entries)
	}
	local := rd.entries[1].At.In(f.app.settings.Location()).Format("2006-01-02 15:04:05")
	if !strings.HasPrefix(rd.choice.Options[1], "2.  "+local+" · ") || !strings.HasSuffix(rd.choice.Options[1], " KB") {
		t.Errorf("option %q, want the shop's time %s and the size", rd.choice.Options[1], local)
	}
	rd.choice.SetSelected(rd.choice.Options[1])
	rd.stage()
	<-rd.done
	if staged != rd.entries[1].Path {
		t.Errorf("staged %q, want %q", staged, rd.entries[1].Path)
	}
	if !strings.Contains(s.msg.Text, "重启后生效") {
		t.Errorf("message %q", s.msg.Text)
	}
}

func TestRestoreButtonHiddenWithoutBackups(t *testing.T) {
	f := newFixture(t)
	if f.app.setup.restoreButton().Visible() {
		t.Error("a restore button without a backups folder")
	}
	f.app.deps.Restore = RestoreDeps{List: func() ([]BackupEntry, error) { return nil, nil }}
	if rd := f.app.setup.onRestore(); rd != nil || !strings.Contains(f.app.setup.msg.Text, "还没有自动备份") {
		t.Errorf("no backups: %v, %q", rd, f.app.setup.msg.Text)
	}
}
