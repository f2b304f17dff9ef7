package storage

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"zhanggui/pos"
)

// Sentinel errors, matched with errors.Is; pos.ErrorCode gives their Code.
var (
	// ErrNotFound means no row has the key asked for (a sale, a product).
	ErrNotFound = pos.Errorf(pos.CodeNotFound, "storage: not found")

	// ErrNewerSchema means the file records a migration this binary lacks:
	// it was written by a newer 掌柜, and an older one must not touch it.
	ErrNewerSchema = pos.Errorf(pos.CodeInvalid,
		"storage: the database was written by a newer version of 掌柜 (掌柜版本过旧); "+
			"install that version or newer; the file was not changed")

	// ErrCorrupt means the file is damaged or is not a 掌柜 database. Open
	// leaves such a file exactly as it found it, so it can still be rescued.
	ErrCorrupt = pos.Errorf(pos.CodeInternal,
		"storage: the database file is damaged or is not a 掌柜 database (数据库文件已损坏); "+
			"it was not changed; restore a backup")
)

// classify gives a SQLite error the pos.Code that decides what happens next:
// a duplicate key is a conflict, a busy file is worth retrying later, a
// damaged file is ErrCorrupt, a full disk pos.ErrDiskFull. Other errors
// pass unchanged (CodeInternal).
func classify(err error) error {
	var se sqlite3.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch {
	case se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
		return pos.Errorf(pos.CodeConflict, "already exists: %w", err)
	case se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked:
		return pos.Errorf(pos.CodeUnavailable, "database busy: %w", err)
	case se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB:
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	case se.Code == sqlite3.ErrFull: // the transaction was rolled back whole
		return fmt.Errorf("%w: %w", pos.ErrDiskFull, err)
	}
	return err
}
