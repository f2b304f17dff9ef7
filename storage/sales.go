package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos"
)

// SaveSale records a completed sale in one transaction: the sale, its lines
// and tenders, a stock move per catalogue line (products.stock_milli goes
// down), the journal entry with its postings, re-summed as stored; and it
// deletes the cart saved under the sale's ID, as that sale is done.
// Afterwards all of it exists or none does; when SaveSale returns nil the
// commit is on disk (synchronous=FULL).
//
// The sale is validated first (Sale.Validate). A sale ID, order number or
// entry ID already saved is a pos.CodeConflict error and nothing is written.
// A line whose ProductID (non-zero) is not in the catalogue wraps
// ErrNotFound.
func (db *DB) SaveSale(ctx context.Context, s *pos.Sale) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("storage: save sale %s: %w", s.ID, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save sale %s: %w", s.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := writeSale(ctx, tx, s, db.location()); err != nil {
		return fmt.Errorf("storage: save sale %s: %w", s.ID, err)
	}
	if err := tx.Commit(); err != nil { // with synchronous=FULL, this is the fsync
		return fmt.Errorf("storage: save sale %s: commit: %w", s.ID, classify(err))
	}
	return nil
}

// writeSale writes a sale inside tx: the sale (first: a repeat fails
// there), its entry and stock moves, the end of its cart, its audit event;
// and refuses it if a succeeded payment of the cart is not among its
// tenders.
func writeSale(ctx context.Context, tx *tx, s *pos.Sale, loc *time.Location) error {
	if err := writeSaleRows(ctx, tx, s, loc); err != nil {
		return err
	}
	return auditSale(ctx, tx, s)
}

// writeSaleRows is writeSale without the audit event: the benchmark of
// what the audit append adds measures the two apart.
func writeSaleRows(ctx context.Context, tx *tx, s *pos.Sale, loc *time.Location) error {
	steps := []func() error{
		func() error { return insertSale(ctx, tx, s, loc) }, // first: a repeat is a conflict
		func() error { return requireShift(ctx, tx) },
		func() error { return insertEntry(ctx, tx, s.Entry) },
		func() error { return saleStock(ctx, tx, s) },
		func() error { return deleteCart(ctx, tx, s.ID) },
		func() error { return paymentsTendered(ctx, tx, s) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// auditSale records the sale in the audit chain, under its cashier (the
// sale keeps its cashier even when another staff member is at the till).
func auditSale(ctx context.Context, tx *tx, s *pos.Sale) error {
	tenders := make([]any, len(s.Tenders))
	for i, t := range s.Tenders {
		tenders[i] = map[string]any{"kind": string(t.Kind), "amount_fen": int64(t.Amount), "payment": t.PaymentID}
	}
	data := map[string]any{"no": s.No, "lines": len(s.Lines), "total_fen": int64(s.Total),
		"discount_fen": int64(s.Discount), "training": s.Training, "tenders": tenders}
	if o := overriddenLines(s); len(o) > 0 {
		data["price_overrides"] = o
	}
	_, err := appendAudit(ctx, tx, pos.AuditEvent{
		Actor: firstOf(s.Cashier, pos.ActorOf(ctx), pos.ActorSystem), Kind: pos.AuditSale, Subject: s.ID,
		Data: pos.AuditData(data),
	})
	return err
}

// overriddenLines lists the sale's lines sold at a price set by hand: the
// price_override events of the cart name who set it and who approved it;
// the sale's own event ties them to what was sold.
func overriddenLines(s *pos.Sale) []any {
	var out []any
	for i, l := range s.Lines {
		if l.OldPrice > 0 {
			out = append(out, map[string]any{"line": i, "name": l.Name, "old_fen": int64(l.OldPrice),
				"new_fen": int64(l.UnitPrice)})
		}
	}
	return out
}

// paymentsTendered refuses a sale that leaves out a succeeded payment of
// its cart (pos.ErrPaymentArrived): a late success saved while the sale
// was being made would otherwise be paid for nothing. Its counterpart,
// SavePaymentUnlessSold, keeps a late success off a sale already saved:
// one of the two transactions comes first, and the other sees it.
func paymentsTendered(ctx context.Context, tx *tx, s *pos.Sale) error {
	tendered := map[string]bool{}
	for _, t := range s.Tenders {
		tendered[t.PaymentID] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM payments WHERE sale_id = ? AND state = 'succeeded'`, s.ID)
	if err != nil {
		return fmt.Errorf("payments of the sale: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("payments of the sale: %w", classify(err))
		}
		if !tendered[id] {
			return fmt.Errorf("payment %s is not among its tenders: %w", id, pos.ErrPaymentArrived)
		}
	}
	return rows.Err()
}

// SavePaymentUnlessSold saves p unless its sale is already saved, in one
// transaction: a late success for a cart that was completed meanwhile must
// be refunded, not recorded as paying it (saved false, nothing written).
func (db *DB) SavePaymentUnlessSold(ctx context.Context, p pos.Payment) (saved bool, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle
	var sold int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sales WHERE id = ?`, p.SaleID).Scan(&sold); err != nil {
		return false, fmt.Errorf("storage: save payment %s: %w", p.ID, classify(err))
	}
	if sold > 0 {
		return false, nil
	}
	if err := savePayment(ctx, tx, p); err != nil {
		return false, fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("storage: save payment %s: commit: %w", p.ID, classify(err))
	}
	return true, nil
}

// insertSale writes the sale row, its lines and its tenders. The business
// day is the sale's date in the shop's time zone; the shift is the one open
// when the sale commits (none outside a shift).
func insertSale(ctx context.Context, tx *tx, s *pos.Sale, loc *time.Location) error {
	const q = `INSERT INTO sales (id, no, at, business_day, cashier, training, subtotal_fen,
		discount_fen, rounding_fen, total_fen, entry_id, shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		(SELECT id FROM shifts WHERE state = 'open'))`
	day := pos.BusinessDay(s.At, loc).Format(dayLayout)
	_, err := tx.ExecContext(ctx, q, s.ID, s.No, formatTime(s.At), day, s.Cashier, boolInt(s.Training),
		int64(s.Subtotal), int64(s.Discount), int64(s.Rounding), int64(s.Total), s.Entry.ID)
	if err != nil {
		return fmt.Errorf("sale: %w", classify(err))
	}
	if err := insertLines(ctx, tx, s); err != nil {
		return err
	}
	return insertTenders(ctx, tx, s)
}

func insertLines(ctx context.Context, tx *tx, s *pos.Sale) error {
	const q = `INSERT INTO sale_lines (sale_id, line_no, product_id, barcode, name, unit, category,
		qty_milli, unit_price_fen, gross_fen, discount_fen, amount_fen, old_price_fen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for i, l := range s.Lines {
		_, err := tx.ExecContext(ctx, q, s.ID, i, l.ProductID, l.Barcode, l.Name, l.Unit, l.Category,
			int64(l.Qty), int64(l.UnitPrice), int64(l.Gross), int64(l.Discount), int64(l.Amount), int64(l.OldPrice))
		if err != nil {
			return fmt.Errorf("line %d: %w", i, classify(err))
		}
	}
	return nil
}

func insertTenders(ctx context.Context, tx *tx, s *pos.Sale) error {
	const q = `INSERT INTO tenders (sale_id, line_no, kind, amount_fen, received_fen, change_fen,
		payment_id, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	for i, t := range s.Tenders {
		_, err := tx.ExecContext(ctx, q, s.ID, i, string(t.Kind), int64(t.Amount), int64(t.Received),
			int64(t.Change), t.PaymentID, t.Ref)
		if err != nil {
			return fmt.Errorf("tender %d: %w", i, classify(err))
		}
	}
	return nil
}

// saleStock takes each catalogue line's quantity out of stock. A line with
// ProductID 0 is outside the catalogue and moves no stock.
func saleStock(ctx context.Context, tx *tx, s *pos.Sale) error {
	for i, l := range s.Lines {
		if l.ProductID == 0 {
			continue
		}
		if err := moveStock(ctx, tx, l.ProductID, s.ID, moveSale, -l.Qty); err != nil {
			return fmt.Errorf("line %d: %w", i, err)
		}
	}
	return nil
}

// NextSaleNo reserves the next order number of a business day for a store
// and till, in a transaction of its own: once it returns, the number is
// committed and is never handed out again, even after a crash (a reserved
// number that no sale used is skipped, never reused). day is the shop-local
// business day (pos.BusinessDay).
func (db *DB) NextSaleNo(ctx context.Context, day time.Time, store, till string) (string, error) {
	if day.IsZero() || strings.TrimSpace(store) == "" || strings.TrimSpace(till) == "" {
		return "", pos.Errorf(pos.CodeInvalid, "storage: next sale number: day %v, store %q, till %q",
			day, store, till)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return "", fmt.Errorf("storage: next sale number: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `INSERT INTO sale_seq (business_day, store, till, last_seq) VALUES (?, ?, ?, 1)
		ON CONFLICT (business_day, store, till) DO UPDATE SET last_seq = last_seq + 1
		RETURNING last_seq`
	var seq int
	if err := tx.QueryRowContext(ctx, q, day.Format(dayLayout), store, till).Scan(&seq); err != nil {
		return "", fmt.Errorf("storage: next sale number: %w", classify(err))
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("storage: next sale number: commit: %w", classify(err))
	}
	return pos.SaleNo(store, till, day, seq), nil
}
