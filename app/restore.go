package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"zhanggui/app/ui"
	"zhanggui/storage"
)

// Restoring a backup from the GUI (Settings → 从备份恢复…). The running till
// cannot swap its database under the screens, the outbox worker and the
// backups, so the owner's choice is staged: the backup is verified and
// copied into the data directory as restore-pending.db, and the next start
// puts it in place before it opens the database, exactly as
// `zhanggui restore FILE` does (the current database is kept beside it as
// zhanggui.db.before-restore-<time>). The screen says 重启后生效.

// pendingRestoreFile is the staged copy of the chosen backup.
const pendingRestoreFile = "restore-pending.db"

// restoreDeps wires the restore dialog to the automatic backups folder.
func restoreDeps(dataDir string) ui.RestoreDeps {
	b := &storage.Backups{Dir: filepath.Join(dataDir, "backups")}
	staged := filepath.Join(dataDir, pendingRestoreFile)
	return ui.RestoreDeps{
		List: func() ([]ui.BackupEntry, error) {
			infos, err := b.List()
			out := make([]ui.BackupEntry, 0, len(infos))
			for _, i := range infos {
				out = append(out, ui.BackupEntry{Path: i.Path, At: i.At, Size: i.Size})
			}
			return out, err
		},
		Stage:   func(ctx context.Context, path string) error { return stageRestore(ctx, staged, path) },
		Pending: func() bool { _, err := os.Stat(staged); return err == nil },
		Unstage: func() error { return removeStaged(staged) },
	}
}

// stageRestore verifies the backup src (integrity and the ledger's own
// checks) and copies it to staged, replacing an earlier choice.
func stageRestore(ctx context.Context, staged, src string) error {
	if err := storage.VerifyBackup(ctx, src); err != nil {
		return fmt.Errorf("app: restore %s: %w", filepath.Base(src), err)
	}
	if err := removeStaged(staged); err != nil {
		return err
	}
	if err := storage.Restore(src, staged); err != nil { // a verified copy through the backup API
		return fmt.Errorf("app: restore %s: %w", filepath.Base(src), err)
	}
	return nil
}

// applyPendingRestore puts a staged restore in place; it runs at start,
// before the database is opened, and reports whether it restored one. A
// staged copy that cannot be applied is renamed restore-failed-<time>.db,
// so the till starts on the database it had and does not try again.
func applyPendingRestore(dataDir string) (applied bool, err error) {
	staged := filepath.Join(dataDir, pendingRestoreFile)
	if _, err := os.Stat(staged); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := storage.Restore(staged, filepath.Join(dataDir, dbFile)); err != nil {
		failed := filepath.Join(dataDir, "restore-failed-"+time.Now().UTC().Format("20060102T150405Z")+".db")
		return false, errors.Join(fmt.Errorf("app: restore the backup chosen in settings: %w", err),
			os.Rename(staged, failed))
	}
	return true, removeStaged(staged)
}

// removeStaged deletes a staged copy and any -wal or -shm beside it.
func removeStaged(staged string) error {
	var errs []error
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(staged + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("app: forget the staged restore: %w", err)
	}
	return nil
}
