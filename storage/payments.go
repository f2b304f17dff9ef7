package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// SavePayment writes a payment attempt (insert, or a change of state) and
// appends the change to its history, in one transaction. The payment
// service calls it before every side effect that leaves the state.
func (db *DB) SavePayment(ctx context.Context, p pos.Payment) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := paymentStart(ctx, tx, p.ID); err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	if err := savePayment(ctx, tx, p); err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save payment %s: commit: %w", p.ID, classify(err))
	}
	return nil
}

// paymentStart refuses a new payment while no shift is open in a shop
// that uses shifts: its sale would be refused (requireShift) after the
// customer paid. A payment already saved may change state at any time.
func paymentStart(ctx context.Context, tx *tx, id string) error {
	var started bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payments WHERE id = ?)`, id).Scan(&started); err != nil {
		return classify(err)
	}
	if started {
		return nil
	}
	return requireShift(ctx, tx)
}

// savePayment upserts p and appends its state to its history.
func savePayment(ctx context.Context, tx *tx, p pos.Payment) error {
	const q = `INSERT INTO payments (id, sale_id, provider, mode, amount_fen, state, code_mask, qr,
			trade_no, buyer, reason, refunded_fen, tries, created_at, updated_at, staff)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, code_mask = excluded.code_mask, qr = excluded.qr,
			trade_no = excluded.trade_no, buyer = excluded.buyer, reason = excluded.reason,
			refunded_fen = excluded.refunded_fen, tries = excluded.tries, updated_at = excluded.updated_at`
	_, err := tx.ExecContext(ctx, q, p.ID, p.SaleID, string(p.Provider), string(p.Mode), int64(p.Amount),
		string(p.State), p.CodeMask, p.QR, p.TradeNo, p.Buyer, p.Reason, int64(p.Refunded), p.Tries,
		formatTime(p.Created), formatTime(p.Updated), p.Staff)
	if err != nil {
		return fmt.Errorf("payment: %w", classify(err))
	}
	const ev = `INSERT INTO payment_events (payment_id, at, state, reason) VALUES (?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, ev, p.ID, formatTime(tx.now), string(p.State), p.Reason); err != nil {
		return fmt.Errorf("payment event: %w", classify(err))
	}
	return auditPayment(ctx, tx, p)
}

// auditPayment records the payment's new state in the audit chain, under
// who acts now: the screen's context, or the system (the sweeper resolving
// it); the staff member who took it is in the details.
func auditPayment(ctx context.Context, tx *tx, p pos.Payment) error {
	_, err := appendAudit(ctx, tx, pos.AuditEvent{
		Actor: actorOf(ctx, ""), Kind: pos.AuditPayment, Subject: p.ID,
		Data: pos.AuditData(map[string]any{"sale": p.SaleID, "staff": p.Staff, "provider": string(p.Provider),
			"mode": string(p.Mode), "amount_fen": int64(p.Amount), "state": string(p.State),
			"refunded_fen": int64(p.Refunded), "trade_no": p.TradeNo}),
	})
	return err
}

const paymentCols = `id, sale_id, provider, mode, amount_fen, state, code_mask, qr, trade_no, buyer,
	reason, refunded_fen, tries, created_at, updated_at, staff`

func scanPayment(s scanner) (pos.Payment, error) {
	var p pos.Payment
	var provider, mode, state, created, updated string
	var amount, refunded int64
	err := s.Scan(&p.ID, &p.SaleID, &provider, &mode, &amount, &state, &p.CodeMask, &p.QR, &p.TradeNo,
		&p.Buyer, &p.Reason, &refunded, &p.Tries, &created, &updated, &p.Staff)
	if err != nil {
		return p, err
	}
	p.Provider, p.Mode, p.State = pos.Provider(provider), pos.PaymentMode(mode), pos.PaymentState(state)
	p.Amount, p.Refunded = money.Fen(amount), money.Fen(refunded)
	if p.Created, err = parseTime(created); err != nil {
		return p, err
	}
	p.Updated, err = parseTime(updated)
	return p, err
}

// Payment reads one payment attempt.
func (db *DB) Payment(ctx context.Context, id string) (pos.Payment, error) {
	row := db.ro.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments WHERE id = ?`, id)
	p, err := scanPayment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return p, pos.Errorf(pos.CodeNotFound, "storage: payment %s: not found", id)
	}
	if err != nil {
		return p, fmt.Errorf("storage: payment %s: %w", id, classify(err))
	}
	return p, nil
}

// PaymentsForSale lists the attempts made for a sale (or cart), oldest first.
func (db *DB) PaymentsForSale(ctx context.Context, saleID string) ([]pos.Payment, error) {
	return db.payments(ctx, `WHERE sale_id = ? ORDER BY created_at, id`, saleID)
}

// OpenPayments lists the attempts not in a final state, oldest first: what
// startup and the sweeper must resolve.
func (db *DB) OpenPayments(ctx context.Context) ([]pos.Payment, error) {
	return db.payments(ctx, `WHERE state NOT IN ('succeeded', 'failed', 'reversed', 'refunded') ORDER BY created_at, id`)
}

func (db *DB) payments(ctx context.Context, tail string, args ...any) ([]pos.Payment, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+paymentCols+` FROM payments `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: payments: %w", classify(err))
	}
	defer rows.Close()
	var out []pos.Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: payments: %w", classify(err))
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: payments: %w", classify(err))
	}
	return out, nil
}

// PaymentHistory lists a payment's states as they were written.
func (db *DB) PaymentHistory(ctx context.Context, id string) ([]pos.PaymentState, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT state FROM payment_events WHERE payment_id = ? ORDER BY rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: payment history %s: %w", id, classify(err))
	}
	defer rows.Close()
	var out []pos.PaymentState
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("storage: payment history %s: %w", id, err)
		}
		out = append(out, pos.PaymentState(s))
	}
	return out, rows.Err()
}
