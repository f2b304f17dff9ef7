package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Automatic local backups: every Every hours and on demand (after the day
// closes, the owner's 立即备份), a consistent copy made with the online
// backup API (DB.Backup) into a folder that keeps the last Keep good
// copies. A copy counts only once it passed integrity_check and the
// ledger's own checks; a failed or invalid copy is deleted and never
// replaces, nor rotates out, a good one.

// Defaults of Backups.
const (
	DefaultBackupKeep  = 14            // a week at two a day, or two weeks of daily closes
	DefaultBackupEvery = 6 * time.Hour // at most six hours of sales only on the one disk
	// backupRetry is the wait after a failed automatic backup.
	backupRetry = 10 * time.Minute
)

const (
	backupPrefix   = "zhanggui-"
	backupSuffix   = ".db"
	backupLayout   = "20060102T150405.000Z" // UTC, sorts as text
	incomingPrefix = ".incoming-"           // a copy not yet verified
)

// Backups makes and rotates backups of DB in Dir. Set the fields before the
// first call. Its methods may be called from several goroutines: one
// backup runs at a time.
type Backups struct {
	DB    *DB
	Dir   string
	Keep  int              // good copies kept (0: DefaultBackupKeep)
	Every time.Duration    // between automatic copies (0: DefaultBackupEvery)
	Now   func() time.Time // names the copies and decides when one is due (nil: time.Now)

	// Check verifies a new copy before it counts (nil: VerifyBackup).
	// Tests use it to damage a copy on its way.
	Check func(ctx context.Context, path string) error

	mu   sync.Mutex
	once sync.Once
	wake chan struct{}
}

// BackupInfo is one good backup, for the restore screen.
type BackupInfo struct {
	Path string
	At   time.Time // when it was made (UTC, from its name)
	Size int64     // bytes
}

// BackupNow makes a backup now and rotates the folder. The copy is made
// under a temporary name, verified, fsynced and only then given its final
// name; the oldest good copies beyond Keep are deleted after that.
func (b *Backups) BackupNow(ctx context.Context) (BackupInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("storage: backup: %w", err)
	}
	if err := b.removeIncoming(); err != nil { // a crashed attempt's leftovers
		return BackupInfo{}, fmt.Errorf("storage: backup: %w", err)
	}
	final, err := b.freeName(now)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("storage: backup: %w", err)
	}
	incoming := filepath.Join(b.Dir, incomingPrefix+filepath.Base(final))
	if err := b.copyVerified(ctx, incoming); err != nil {
		return BackupInfo{}, errors.Join(fmt.Errorf("storage: backup: %w", err), removeFiles(incoming, incoming+".tmp"))
	}
	if err := renameSynced(incoming, final); err != nil {
		return BackupInfo{}, errors.Join(fmt.Errorf("storage: backup: %w", err), removeFiles(incoming))
	}
	info, err := backupInfo(final)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("storage: backup: %w", err)
	}
	if err := b.rotate(); err != nil {
		return info, fmt.Errorf("storage: backup %s made, but rotating: %w", filepath.Base(final), err)
	}
	return info, nil
}

// copyVerified copies the database to path and checks the copy.
func (b *Backups) copyVerified(ctx context.Context, path string) error {
	if err := b.DB.Backup(ctx, path); err != nil {
		return err
	}
	check := b.Check
	if check == nil {
		check = VerifyBackup
	}
	if err := check(ctx, path); err != nil {
		return fmt.Errorf("verify %s: %w", filepath.Base(path), err)
	}
	return nil
}

// freeName returns the path of a backup made at now, one millisecond later
// if a backup of that time exists already.
func (b *Backups) freeName(now time.Time) (string, error) {
	for range 1000 {
		p := filepath.Join(b.Dir, backupPrefix+now.UTC().Format(backupLayout)+backupSuffix)
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		now = now.Add(time.Millisecond)
	}
	return "", fmt.Errorf("no free backup name near %s", now.Format(backupLayout))
}

// List returns the good backups in Dir, newest first. It does not open
// them (Restore verifies the one chosen).
func (b *Backups) List() ([]BackupInfo, error) {
	entries, err := os.ReadDir(b.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: list backups: %w", err)
	}
	var out []BackupInfo
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := backupInfo(filepath.Join(b.Dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("storage: list backups: %w", err)
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(x, y BackupInfo) int { return y.At.Compare(x.At) })
	return out, nil
}

// rotate deletes the oldest good backups beyond Keep.
func (b *Backups) rotate() error {
	all, err := b.List()
	if err != nil {
		return err
	}
	var errs []error
	for _, old := range all[min(len(all), b.keep()):] {
		errs = append(errs, removeFiles(old.Path))
	}
	return errors.Join(errs...)
}

// removeIncoming deletes copies an interrupted backup left unverified.
func (b *Backups) removeIncoming() error {
	matches, err := filepath.Glob(filepath.Join(b.Dir, incomingPrefix+"*"))
	if err != nil {
		return err
	}
	return removeFiles(matches...)
}

// Tick makes a backup if the newest good one is older than Every, or there
// is none; it reports whether it made one. Tests call it with their clock;
// Run calls it when a backup falls due.
func (b *Backups) Tick(ctx context.Context) (made bool, err error) {
	next, err := b.nextDue()
	if err != nil || b.now().Before(next) {
		return false, err
	}
	_, err = b.BackupNow(ctx)
	return err == nil, err
}

// nextDue is when the next automatic backup falls due.
func (b *Backups) nextDue() (time.Time, error) {
	all, err := b.List()
	if err != nil || len(all) == 0 {
		return time.Time{}, err
	}
	return all[0].At.Add(b.every()), nil
}

// Request asks Run for a backup now (the day has closed). It never blocks.
func (b *Backups) Request() {
	b.init()
	select {
	case b.wake <- struct{}{}:
	default: // one is already asked for
	}
}

// Run makes backups as they fall due and when requested, until ctx ends.
// Between them it sleeps. A failed backup is tried again after ten
// minutes; the error goes to report (nil: dropped, as there is nothing
// else Run could do with it).
func (b *Backups) Run(ctx context.Context, report func(error)) {
	b.init()
	for {
		wait, err := b.untilDue()
		if err == nil && wait == 0 {
			_, err = b.BackupNow(ctx)
		}
		if err != nil {
			wait = backupRetry
			if report != nil && ctx.Err() == nil {
				report(err)
			}
		}
		t := time.NewTimer(max(wait, time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-b.wake:
			t.Stop()
			if _, err := b.BackupNow(ctx); err != nil && report != nil && ctx.Err() == nil {
				report(err)
			}
		case <-t.C:
		}
	}
}

// untilDue is how long until the next automatic backup (0: now).
func (b *Backups) untilDue() (time.Duration, error) {
	next, err := b.nextDue()
	if err != nil {
		return 0, err
	}
	return max(next.Sub(b.now()), 0), nil
}

func (b *Backups) init() { b.once.Do(func() { b.wake = make(chan struct{}, 1) }) }

func (b *Backups) now() time.Time {
	if b.Now == nil {
		return time.Now().UTC()
	}
	return b.Now().UTC()
}

func (b *Backups) keep() int {
	if b.Keep <= 0 {
		return DefaultBackupKeep
	}
	return b.Keep
}

func (b *Backups) every() time.Duration {
	if b.Every <= 0 {
		return DefaultBackupEvery
	}
	return b.Every
}

// backupTime parses the time out of a backup's file name.
func backupTime(name string) (time.Time, bool) {
	stamp, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return time.Time{}, false
	}
	stamp, ok = strings.CutSuffix(stamp, backupSuffix)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(backupLayout, stamp)
	return t.UTC(), err == nil
}

func backupInfo(path string) (BackupInfo, error) {
	at, ok := backupTime(filepath.Base(path))
	if !ok {
		return BackupInfo{}, fmt.Errorf("%s is not a backup's name", filepath.Base(path))
	}
	fi, err := os.Stat(path)
	if err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Path: path, At: at, Size: fi.Size()}, nil
}

// VerifyBackup checks a backup file without changing it: SQLite's
// integrity_check, the migrations it records (ErrNewerSchema), and the
// checks IntegrityCheck makes of the ledger, sales and stock. A problem
// wraps ErrCorrupt.
func VerifyBackup(ctx context.Context, path string) (err error) {
	if fi, err := os.Stat(path); err != nil {
		return err
	} else if fi.Size() == 0 {
		return fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}
	if err := inspect(ctx, path, "integrity_check"); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", fileURI(path)+"?mode=ro&_query_only=1&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	db.SetMaxOpenConns(1)
	for _, c := range consistencyChecks {
		if err := noRows(ctx, db, c.sql); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return nil
}
