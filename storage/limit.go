package storage

import (
	"context"
	"fmt"
)

// LimitPages caps the database at its current size plus extra pages on
// the write connection (PRAGMA max_page_count), as a disk with that little
// room left would: a write that needs more fails with SQLITE_FULL, which
// classify turns into pos.ErrDiskFull. It is for disk-full drills and
// tests, and lasts until the DB is closed. It returns the cap in pages.
func (db *DB) LimitPages(ctx context.Context, extra int) (int, error) {
	var pages int
	if err := db.rw.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, fmt.Errorf("storage: limit pages: %w", classify(err))
	}
	var limit int
	q := fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+max(extra, 0))
	if err := db.rw.QueryRowContext(ctx, q).Scan(&limit); err != nil {
		return 0, fmt.Errorf("storage: limit pages: %w", classify(err))
	}
	return limit, nil
}
