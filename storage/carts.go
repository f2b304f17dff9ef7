package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhanggui/pos"
)

// SaveCart saves the sale in progress (held false) or a held sale (挂单,
// held true) under c.ID, replacing what was saved under that ID, so a
// restart loses nothing the cashier scanned. The newest cart saved with
// held false is the current one. A cart without an ID is a pos.CodeInvalid
// error.
func (db *DB) SaveCart(ctx context.Context, c *pos.Cart, held bool) error {
	if c == nil || c.ID == "" {
		return pos.Errorf(pos.CodeInvalid, "storage: save cart: the cart has no ID")
	}
	js, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("storage: save cart %s: %w", c.ID, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save cart %s: %w", c.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `INSERT INTO carts (id, held, note, json, seq, updated_at)
		VALUES (?, ?, ?, ?, (SELECT COALESCE(max(seq), 0) + 1 FROM carts), ?)
		ON CONFLICT (id) DO UPDATE SET held = excluded.held, note = excluded.note,
			json = excluded.json, seq = excluded.seq, updated_at = excluded.updated_at`
	if _, err := tx.ExecContext(ctx, q, c.ID, boolInt(held), c.Note, string(js), formatTime(tx.now)); err != nil {
		return fmt.Errorf("storage: save cart %s: %w", c.ID, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save cart %s: commit: %w", c.ID, classify(err))
	}
	return nil
}

// DeleteCart deletes the cart saved under id; deleting one that is not
// there is not an error.
func (db *DB) DeleteCart(ctx context.Context, id string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: delete cart %s: %w", id, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := deleteCart(ctx, tx, id); err != nil {
		return fmt.Errorf("storage: delete cart %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: delete cart %s: commit: %w", id, classify(err))
	}
	return nil
}

func deleteCart(ctx context.Context, tx *tx, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM carts WHERE id = ?`, id)
	return classify(err)
}

// CurrentCart returns the sale in progress: the newest cart saved with held
// false, or nil when there is none.
func (db *DB) CurrentCart(ctx context.Context) (*pos.Cart, error) {
	var js string
	err := db.ro.QueryRowContext(ctx, `SELECT json FROM carts WHERE held = 0 ORDER BY seq DESC LIMIT 1`).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: current cart: %w", classify(err))
	}
	c, err := decodeCart(js)
	if err != nil {
		return nil, fmt.Errorf("storage: current cart: %w", err)
	}
	return c, nil
}

// HeldCarts returns the held sales, oldest first.
func (db *DB) HeldCarts(ctx context.Context) ([]*pos.Cart, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT json FROM carts WHERE held = 1 ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("storage: held carts: %w", classify(err))
	}
	defer rows.Close()
	var out []*pos.Cart
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, fmt.Errorf("storage: held carts: %w", classify(err))
		}
		c, err := decodeCart(js)
		if err != nil {
			return nil, fmt.Errorf("storage: held carts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: held carts: %w", classify(err))
	}
	return out, nil
}

func decodeCart(js string) (*pos.Cart, error) {
	var c pos.Cart
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		return nil, fmt.Errorf("%w: cart: %w", ErrCorrupt, err)
	}
	return &c, nil
}
