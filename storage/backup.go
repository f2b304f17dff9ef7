package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"

	"zhanggui/pos"
)

// backupTriesMax bounds how often a backup step that found the source
// locked is retried, 10 ms apart.
const backupTriesMax = 500

// IntegrityCheck runs SQLite's full integrity_check and foreign_key_check,
// then checks what the schema alone cannot: every journal entry balances,
// every sale has lines and tenders summing to its total, and every
// product's stock equals the sum of its stock moves. A problem wraps
// ErrCorrupt and names the first row found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rtx, err := db.read(ctx)
	if err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	defer rtx.Rollback() // read only: nothing to undo

	if err := runCheck(ctx, rtx, "integrity_check"); err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	for _, c := range consistencyChecks {
		if err := noRows(ctx, rtx, c.sql); err != nil {
			return fmt.Errorf("storage: integrity check: %s: %w", c.name, err)
		}
	}
	return nil
}

// consistencyChecks are queries that find no rows in a sound database.
var consistencyChecks = []struct{ name, sql string }{
	{"foreign keys", `PRAGMA foreign_key_check`},
	{"unbalanced entry", `SELECT entry_id FROM postings GROUP BY entry_id
		HAVING sum(debit_fen) <> sum(credit_fen) LIMIT 1`},
	{"entry without postings", `SELECT id FROM journal_entries e
		WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id) LIMIT 1`},
	{"sale without lines", `SELECT id FROM sales s
		WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id) LIMIT 1`},
	{"sale lines not adding up", `SELECT id FROM sales s WHERE subtotal_fen <>
		(SELECT sum(gross_fen) FROM sale_lines l WHERE l.sale_id = s.id) LIMIT 1`},
	{"tenders not paying the total", `SELECT id FROM sales s WHERE total_fen <>
		(SELECT COALESCE(sum(amount_fen), 0) FROM tenders t WHERE t.sale_id = s.id) LIMIT 1`},
	{"stock not the sum of its moves", `SELECT p.id FROM products p LEFT JOIN
		(SELECT product_id, sum(delta_milli) AS moved FROM stock_moves GROUP BY product_id) m
		ON m.product_id = p.id WHERE p.stock_milli <> COALESCE(m.moved, 0) LIMIT 1`},
}

// noRows runs a query that finds no rows in a sound database.
func noRows(ctx context.Context, q querier, query string) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	if rows.Next() {
		cols, _ := rows.Columns() // only for the message
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return classify(err)
		}
		return fmt.Errorf("%w: found %v", ErrCorrupt, derefAll(vals))
	}
	return classify(rows.Err())
}

func derefAll(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = *(v.(*any))
	}
	return out
}

// Backup copies the database to dest with SQLite's online backup API,
// while the till keeps selling: the copy is one consistent snapshot. The
// copy is written next to dest, fsynced, checked with PRAGMA
// integrity_check, and only then renamed over dest, so dest is always
// either the old backup or a whole new one.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if sameFile(dest, db.path) {
		return pos.Errorf(pos.CodeInvalid, "storage: backup to %s: that is the database itself", dest)
	}
	tmp := dest + ".tmp"
	if err := copyDatabase(ctx, db.ro, tmp); err != nil {
		return errors.Join(fmt.Errorf("storage: backup to %s: %w", dest, err), removeFiles(tmp))
	}
	if err := inspect(ctx, tmp, "integrity_check"); err != nil {
		return errors.Join(fmt.Errorf("storage: backup to %s: verify: %w", dest, err), removeFiles(tmp))
	}
	if err := removeFiles(dest+"-wal", dest+"-shm"); err != nil { // an old copy's, never this one's
		return fmt.Errorf("storage: backup to %s: %w", dest, err)
	}
	if err := renameSynced(tmp, dest); err != nil {
		return fmt.Errorf("storage: backup to %s: %w", dest, err)
	}
	_, err := db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditBackup, Subject: "backup:" + filepath.Base(dest),
		Data: pos.AuditData(map[string]any{"path": dest})})
	return err
}

// Restore replaces the database file dst with a copy of the backup src.
// The database must not be open. src is checked first (header,
// integrity_check, migrations: ErrCorrupt or ErrNewerSchema, and nothing
// changes); the copy is made with the backup API into a new file next to
// dst and checked again; then the current dst, with its -wal and -shm, is
// kept as dst.before-restore-<UTC time> and the copy renamed into place.
func Restore(src, dst string) error {
	ctx := context.Background()
	if err := checkRestorable(ctx, src, dst); err != nil {
		return fmt.Errorf("storage: restore %s: %w", src, err)
	}
	tmp := dst + ".restore"
	if err := copyFrom(ctx, src, tmp); err != nil {
		return errors.Join(fmt.Errorf("storage: restore %s: %w", src, err), removeFiles(tmp))
	}
	if err := inspect(ctx, tmp, "integrity_check"); err != nil {
		return errors.Join(fmt.Errorf("storage: restore %s: verify copy: %w", src, err), removeFiles(tmp))
	}
	if err := setAside(dst, time.Now().UTC()); err != nil {
		return fmt.Errorf("storage: restore %s: %w", src, err)
	}
	if err := renameSynced(tmp, dst); err != nil {
		return fmt.Errorf("storage: restore %s: %w", src, err)
	}
	return nil
}

// checkRestorable refuses a src that is dst, empty, damaged or newer.
func checkRestorable(ctx context.Context, src, dst string) error {
	if sameFile(src, dst) {
		return pos.Errorf(pos.CodeInvalid, "source and destination are the same file")
	}
	fi, err := os.Stat(src)
	if err != nil {
		return pos.Errorf(pos.CodeNotFound, "%w", err)
	}
	if fi.Size() == 0 {
		return fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}
	return inspect(ctx, src, "integrity_check")
}

// copyFrom copies the database file src into a new file dst, reading src
// through a read-only connection.
func copyFrom(ctx context.Context, src, dst string) (err error) {
	from, err := sql.Open("sqlite3", fileURI(src)+"?mode=ro&_query_only=1&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, from.Close()) }()
	return copyDatabase(ctx, from, dst)
}

// copyDatabase copies the main database of a connection of src into a new
// file dst (mode 0600) with the online backup API, as one snapshot, and
// leaves dst a self-contained file in rollback-journal mode.
func copyDatabase(ctx context.Context, src *sql.DB, dst string) (err error) {
	if err := removeFiles(dst, dst+"-journal"); err != nil { // a crashed earlier attempt's
		return err
	}
	if _, err := createFile(dst); err != nil {
		return err
	}
	to, err := sql.Open("sqlite3", fileURI(dst)+"?_synchronous=FULL&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, to.Close()) }()
	to.SetMaxOpenConns(1)
	if err := backupConns(ctx, src, to); err != nil {
		return err
	}
	_, err = to.ExecContext(ctx, `PRAGMA journal_mode = DELETE`)
	return classify(err)
}

// backupConns runs the backup between a connection of each pool.
func backupConns(ctx context.Context, src, dst *sql.DB) error {
	sc, err := src.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer sc.Close() // returns the connection to its pool: nothing is lost
	dc, err := dst.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer dc.Close() // as above
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			dConn, ok1 := d.(*sqlite3.SQLiteConn)
			sConn, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return fmt.Errorf("backup: driver connections are %T and %T", d, s)
			}
			return runBackup(ctx, dConn, sConn)
		})
	})
}

// runBackup copies every page in one step (a consistent snapshot), trying
// again while the source is locked.
func runBackup(ctx context.Context, dst, src *sqlite3.SQLiteConn) error {
	b, err := dst.Backup("main", src, "main")
	if err != nil {
		return classify(err)
	}
	for try := 0; ; try++ {
		done, err := b.Step(-1)
		if err != nil || done {
			return classify(errors.Join(err, b.Finish()))
		}
		if try == backupTriesMax {
			return errors.Join(pos.Errorf(pos.CodeUnavailable, "backup: the database stayed locked"), b.Finish())
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), b.Finish())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// setAside keeps an existing database file, with its -wal and -shm, under
// a name with the time, instead of deleting it: a restore of the wrong
// backup must be undoable.
func setAside(path string, now time.Time) error {
	aside := path + ".before-restore-" + now.Format("20060102T150405Z")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(aside + suffix); err == nil {
			return fmt.Errorf("%s already exists", aside+suffix)
		}
		err := os.Rename(path+suffix, aside+suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// renameSynced renames from to to and makes the new name durable (syncDir),
// so it survives a power cut.
func renameSynced(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	return syncDir(filepath.Dir(to))
}

// removeFiles removes the files that exist of paths.
func removeFiles(paths ...string) error {
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sameFile reports whether a and b name the same existing file, or the
// same path when one does not exist yet.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
