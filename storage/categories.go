package storage

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// AddCategory adds a category with no products yet; an existing one is kept.
func (db *DB) AddCategory(ctx context.Context, name string) error {
	if err := pos.ValidateCategory(name); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: add category %q: %w", name, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle
	if err := addCategory(ctx, tx, name); err != nil {
		return fmt.Errorf("storage: add category %q: %w", name, err)
	}
	_, err = appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditProduct, Subject: "category:" + name})
	if err != nil {
		return fmt.Errorf("storage: add category %q: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: add category %q: commit: %w", name, classify(err))
	}
	return nil
}
