package storage

import (
	"context"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// SaveRefund writes a refund and, when given, the payment it refunds, in
// one transaction. A refund marked done gets its journal entry booked in
// that transaction. Inside it, the refunds of the tender are summed again:
// no refund is ever stored that takes more than the tender paid.
func (db *DB) SaveRefund(ctx context.Context, r pos.Refund, p *pos.Payment) error {
	return db.SaveRefundWithJobs(ctx, r, p)
}

// SaveRefundWithJobs is SaveRefund that also enqueues jobs in the same
// transaction: a refund saved as pending and the outbox job that asks the
// provider about it, should the till die or the link drop before the
// answer, exist together or not at all.
func (db *DB) SaveRefundWithJobs(ctx context.Context, r pos.Refund, p *pos.Payment, jobs ...pos.Job) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save refund %s: %w", r.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := saveRefund(ctx, tx, r, p); err != nil {
		return fmt.Errorf("storage: save refund %s: %w", r.ID, err)
	}
	if err := enqueue(ctx, tx, jobs...); err != nil {
		return fmt.Errorf("storage: save refund %s: %w", r.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save refund %s: commit: %w", r.ID, classify(err))
	}
	return nil
}

// saveRefund writes r, its entry when done, and p if not nil, inside tx.
func saveRefund(ctx context.Context, tx *tx, r pos.Refund, p *pos.Payment) error {
	if err := refundStart(ctx, tx, r.ID); err != nil {
		return err
	}
	const q = `INSERT INTO refunds (id, sale_id, tender, payment_id, kind, amount_fen, state, reason, at, entry_id, staff)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, reason = excluded.reason, entry_id = excluded.entry_id`
	_, err := tx.ExecContext(ctx, q, r.ID, r.SaleID, r.Tender, r.PaymentID, string(r.Kind), int64(r.Amount),
		string(r.State), r.Reason, formatTime(r.At), r.Entry.ID, r.Staff)
	if err != nil {
		return fmt.Errorf("refund: %w", classify(err))
	}
	if err := auditRefund(ctx, tx, r); err != nil {
		return err
	}
	if err := checkRefundable(ctx, tx, r); err != nil {
		return err
	}
	if r.State == pos.RefundDone {
		if err := r.Entry.Validate(); err != nil {
			return err
		}
		if err := insertEntry(ctx, tx, r.Entry); err != nil {
			return err
		}
	}
	if p != nil {
		return savePayment(ctx, tx, *p)
	}
	return nil
}

// refundStart refuses to start a refund (its first save) while no shift is
// open in a shop that uses shifts. A refund already started may complete
// at any time (the sweeper finishing a provider refund): it is booked in
// the shift open then, which is the shift that started it, since a shift
// cannot close while a refund is pending (closeBlockers).
func refundStart(ctx context.Context, tx *tx, id string) error {
	var started bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM refunds WHERE id = ?)`, id).Scan(&started); err != nil {
		return classify(err)
	}
	if started {
		return nil
	}
	return requireShift(ctx, tx)
}

// auditRefund records the refund's new state in the audit chain, like
// auditPayment: under who acts now, with who gave it in the details.
func auditRefund(ctx context.Context, tx *tx, r pos.Refund) error {
	_, err := appendAudit(ctx, tx, pos.AuditEvent{
		Actor: actorOf(ctx, ""), Kind: pos.AuditRefund, Subject: r.ID,
		Data: pos.AuditData(map[string]any{"sale": r.SaleID, "staff": r.Staff, "tender": r.Tender, "payment": r.PaymentID,
			"kind": string(r.Kind), "amount_fen": int64(r.Amount), "state": string(r.State), "reason": r.Reason}),
	})
	return err
}

// checkRefundable sums the tender's refunds that are not failed.
func checkRefundable(ctx context.Context, tx *tx, r pos.Refund) error {
	const q = `SELECT t.amount_fen, COALESCE((SELECT sum(amount_fen) FROM refunds
			WHERE sale_id = t.sale_id AND tender = t.line_no AND state != 'failed'), 0)
		FROM tenders t WHERE t.sale_id = ? AND t.line_no = ?`
	var paid, refunded money.Fen
	if err := tx.QueryRowContext(ctx, q, r.SaleID, r.Tender).Scan(&paid, &refunded); err != nil {
		return classify(err)
	}
	if refunded > paid {
		return pos.Errorf(pos.CodeInvalid, "refunds %v of a tender of %v: %w", refunded, paid, pos.ErrOverRefund)
	}
	if r.State == pos.RefundFailed || r.Kind != pos.TenderCard && r.PaymentID != "" || r.Kind == pos.TenderCard && r.State != pos.RefundPending {
		return nil
	}
	// An offline card payment the acquirer refused at upload was never
	// paid, and is written off: there is nothing to give back, through the
	// card nor in cash (a card tender refunded in cash names no payment:
	// the tender does).
	var declined, pending int
	const qd = `SELECT count(*) FILTER (WHERE c.state = 'declined'), count(*) FILTER (WHERE c.state = 'pending')
		FROM card_captures c JOIN tenders t ON t.payment_id = c.payment_id
		WHERE t.sale_id = ? AND t.line_no = ? AND t.payment_id <> ''`
	if err := tx.QueryRowContext(ctx, qd, r.SaleID, r.Tender).Scan(&declined, &pending); err != nil {
		return classify(err)
	}
	if declined > 0 {
		return pos.Errorf(pos.CodeInvalid, "refund of sale %s tender %d: %w", r.SaleID, r.Tender, pos.ErrCardWrittenOff)
	}
	// Nor is cash given back for a capture still waiting for its upload:
	// the acquirer may yet refuse it.
	if pending > 0 && r.Kind != pos.TenderCard {
		return pos.Errorf(pos.CodeInvalid, "cash refund of sale %s tender %d: %w", r.SaleID, r.Tender, pos.ErrCardCapturePending)
	}
	return nil
}

// Refunds lists a sale's refunds in the order they were made.
func (db *DB) Refunds(ctx context.Context, saleID string) ([]pos.Refund, error) {
	return db.refunds(ctx, `WHERE sale_id = ? ORDER BY at, id`, saleID)
}

// PendingRefunds lists refunds still waiting for the provider's answer.
func (db *DB) PendingRefunds(ctx context.Context) ([]pos.Refund, error) {
	return db.refunds(ctx, `WHERE state = 'pending' ORDER BY at, id`)
}

func (db *DB) refunds(ctx context.Context, tail string, args ...any) ([]pos.Refund, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, sale_id, tender, payment_id, kind, amount_fen, state,
		reason, at, entry_id, staff FROM refunds `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: refunds: %w", classify(err))
	}
	defer rows.Close()
	var out []pos.Refund
	entries := map[string]*ledger.Entry{}
	for rows.Next() {
		var r pos.Refund
		var kind, state, at string
		var amount int64
		if err := rows.Scan(&r.ID, &r.SaleID, &r.Tender, &r.PaymentID, &kind, &amount, &state, &r.Reason, &at, &r.Entry.ID, &r.Staff); err != nil {
			return nil, fmt.Errorf("storage: refunds: %w", classify(err))
		}
		r.Kind, r.State, r.Amount = pos.TenderKind(kind), pos.RefundState(state), money.Fen(amount)
		if r.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("storage: refunds: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: refunds: %w", classify(err))
	}
	return out, db.refundEntries(ctx, out, entries)
}

// refundEntries reads the journal entries of the done refunds.
func (db *DB) refundEntries(ctx context.Context, rs []pos.Refund, byID map[string]*ledger.Entry) error {
	ids := "["
	for i := range rs {
		if rs[i].Entry.ID == "" {
			continue
		}
		e := &ledger.Entry{ID: rs[i].Entry.ID}
		byID[e.ID] = e
		if len(ids) > 1 {
			ids += ","
		}
		ids += fmt.Sprintf("%q", e.ID)
	}
	if len(byID) == 0 {
		return nil
	}
	if err := readEntries(ctx, db.ro, ids+"]", byID); err != nil {
		return fmt.Errorf("storage: refund entries: %w", err)
	}
	for i := range rs {
		if e, ok := byID[rs[i].Entry.ID]; ok {
			rs[i].Entry = *e
		}
	}
	return nil
}
