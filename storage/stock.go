package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"zhanggui/pos"
)

// Reasons for a stock move.
const (
	moveInitial = "initial" // a new product's opening stock
	moveSale    = "sale"
)

// moveStock records a stock move; the trigger stock_moves_apply adds it to
// the product's stock_milli, so the stock always equals the sum of the
// moves (IntegrityCheck verifies it). saleID is "" for moves outside a sale.
// A product not in the catalogue wraps ErrNotFound.
func moveStock(ctx context.Context, tx *tx, productID int64, saleID, reason string, delta pos.Qty) error {
	const q = `INSERT INTO stock_moves (product_id, sale_id, reason, delta_milli, at) VALUES (?, ?, ?, ?, ?)`
	_, err := tx.ExecContext(ctx, q, productID, nullable(saleID), reason, int64(delta), formatTime(tx.now))
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
		return fmt.Errorf("stock move of product %d: %w", productID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("stock move of product %d: %w", productID, classify(err))
	}
	return nil
}
