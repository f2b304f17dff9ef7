package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhanggui/pos"
)

// Settings returns the shop's settings, or pos.DefaultSettings for a shop
// that never saved any. Stored JSON is read over the defaults, so a setting
// added in a later version starts at its default.
func (db *DB) Settings(ctx context.Context) (pos.Settings, error) {
	s := pos.DefaultSettings()
	var js string
	err := db.ro.QueryRowContext(ctx, `SELECT json FROM settings WHERE id = 1`).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("storage: settings: %w", classify(err))
	}
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return s, fmt.Errorf("storage: settings: %w: %w", ErrCorrupt, err)
	}
	return s, nil
}

// SaveSettings validates and saves the shop's settings. Returns a
// pos.CodeInvalid error naming the field when one is out of range.
func (db *DB) SaveSettings(ctx context.Context, s pos.Settings) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("storage: save settings: %w", err)
	}
	js, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("storage: save settings: %w", err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save settings: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `INSERT INTO settings (id, json, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`
	if _, err := tx.ExecContext(ctx, q, string(js), formatTime(tx.now)); err != nil {
		return fmt.Errorf("storage: save settings: %w", classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save settings: commit: %w", classify(err))
	}
	db.loc.Store(s.Location()) // business days of later sales follow the new zone
	return nil
}

// Staff returns the people who work the till, in the order they were added.
// A new database has 店主 (owner) and 收银员 (cashier), neither with a PIN.
func (db *DB) Staff(ctx context.Context) ([]pos.Staff, error) {
	out, err := queryStaff(ctx, db.ro, `ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: staff: %w", err)
	}
	return out, nil
}
