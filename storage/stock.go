package storage

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// Reasons for a stock move.
const (
	moveInitial = "initial" // a new product's opening stock
	moveSale    = "sale"
)

// moveStock records a stock move and applies it to the product's stock, so
// stock_milli always equals the sum of the product's moves (IntegrityCheck
// verifies it). saleID is "" for moves that are not part of a sale.
func moveStock(ctx context.Context, tx *tx, productID int64, saleID, reason string, delta pos.Qty) error {
	const upd = `UPDATE products SET stock_milli = stock_milli + ? WHERE id = ?`
	res, err := tx.ExecContext(ctx, upd, int64(delta), productID)
	if err != nil {
		return fmt.Errorf("stock of product %d: %w", productID, classify(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("stock of product %d: %w", productID, ErrNotFound)
	}
	const ins = `INSERT INTO stock_moves (product_id, sale_id, reason, delta_milli, at) VALUES (?, ?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, ins, productID, nullable(saleID), reason, int64(delta), formatTime(tx.now)); err != nil {
		return fmt.Errorf("stock move of product %d: %w", productID, classify(err))
	}
	return nil
}
