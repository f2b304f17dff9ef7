package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// inspect looks at an existing file without changing it: its header, a
// consistency check ("quick_check" at every Open, "integrity_check" before
// a restore) and the migrations it records. It opens the file read-only
// (mode=ro), so even a damaged file stays byte for byte as it was, ready
// for someone to rescue.
func inspect(ctx context.Context, path, check string) (err error) {
	empty, err := checkHeader(path)
	if err != nil || empty {
		return err
	}
	// A read-only connection to a WAL database makes an empty -wal and a
	// -shm if there are none; a refused file is left as it was found.
	made := missing(path+"-wal", path+"-shm")
	probe, err := sql.Open("sqlite3", fileURI(path)+"?mode=ro&_query_only=1&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, probe.Close())
		if err != nil {
			err = errors.Join(err, removeFiles(made...))
		}
	}()
	probe.SetMaxOpenConns(1)
	if err := runCheck(ctx, probe, check); err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	return checkVersions(ctx, probe, ms)
}

// checkHeader reports whether the file is empty (SQLite takes an empty file
// for a new database) and refuses one that does not start as SQLite's do.
func checkHeader(path string) (empty bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close() // read only: closing cannot lose data
	hdr := make([]byte, 100)
	n, err := io.ReadFull(f, hdr)
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return true, nil
	case n < len(hdr) || !bytes.HasPrefix(hdr, sqliteMagic):
		return false, fmt.Errorf("%w: it does not start with a SQLite header", ErrCorrupt)
	}
	return false, nil
}

// runCheck runs PRAGMA quick_check or integrity_check, which answer one row
// "ok" or rows describing each problem.
func runCheck(ctx context.Context, q querier, check string) error {
	rows, err := q.QueryContext(ctx, "PRAGMA "+check)
	if err != nil {
		return fmt.Errorf("%s: %w", check, classify(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%s: %w", check, classify(err))
		}
		if line != "ok" && len(problems) < 5 {
			problems = append(problems, clip(strings.ReplaceAll(line, "\n", " "), 200))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", check, classify(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, check, strings.Join(problems, "; "))
	}
	return nil
}

// missing returns those of paths that do not exist.
func missing(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			out = append(out, p)
		}
	}
	return out
}

// clip shortens s to about n bytes for a log line.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
