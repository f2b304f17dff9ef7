package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// Contactless card payments (migrations/0007_card_payments.sql): a card
// sale is booked with its payment, and an offline approval with its sealed
// capture record and upload job, in one transaction. The sealed PAN of an
// offline approval is kept only until its upload is answered, then wiped;
// online approvals never store more than the masked PAN and the token.

// capturePending is the state of a capture waiting for its upload; the
// others are 'uploaded' and 'declined'.
const capturePending = "pending"

// SaveCardSale books a sale paid (at least in part) by card in one
// transaction: the card payment p in its final state (succeeded), the sale
// with its lines, tenders, stock moves and journal entry, the end of its
// cart, and, for an offline approval (c set), the sealed capture record
// and the jobs that upload it. Afterwards all of it exists or none does.
func (db *DB) SaveCardSale(ctx context.Context, s *pos.Sale, p pos.Payment, c *pos.CardCapture, jobs ...pos.Job) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("storage: save card sale %s: %w", s.ID, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save card sale %s: %w", s.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	steps := []func() error{
		func() error { return savePayment(ctx, tx, p) },
		func() error { return writeSale(ctx, tx, s, db.location()) },
		func() error { return insertCapture(ctx, tx, s.ID, c, db.location()) },
		func() error { return enqueue(ctx, tx, jobs...) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("storage: save card sale %s: %w", s.ID, err)
		}
	}
	if err := tx.Commit(); err != nil { // with synchronous=FULL, this is the fsync
		return fmt.Errorf("storage: save card sale %s: commit: %w", s.ID, classify(err))
	}
	return nil
}

// insertCapture writes an offline approval's capture record; nil writes
// nothing (an online approval).
func insertCapture(ctx context.Context, tx *tx, saleID string, c *pos.CardCapture, loc *time.Location) error {
	if c == nil {
		return nil
	}
	if c.Token == "" || len(c.SealedPAN) == 0 || !pos.IsMaskedPAN(c.MaskedPAN) {
		return pos.Errorf(pos.CodeInternal, "card capture %s: no token, sealed PAN or masked PAN", c.OutTradeNo)
	}
	blob, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("card capture %s: %w", c.OutTradeNo, err)
	}
	const q = `INSERT INTO card_captures (payment_id, sale_id, amount_fen, masked_pan, token, capture,
		approved_at, business_day, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`
	day := pos.BusinessDay(c.ApprovedAt, loc).Format(dayLayout)
	_, err = tx.ExecContext(ctx, q, c.OutTradeNo, saleID, int64(c.Amount), c.MaskedPAN, c.Token, blob,
		formatTime(c.ApprovedAt), day)
	clear(blob) // it held the sealed PAN; the database has its copy
	if err != nil {
		return fmt.Errorf("card capture %s: %w", c.OutTradeNo, classify(err))
	}
	return nil
}

// OfflineCardQueue returns what the offline limits weigh a new offline
// card payment against at now: the total and the oldest approval waiting
// for upload, and how many offline payments the card with token had in
// now's business day (all of them, uploaded or not). An empty token counts
// no card.
func (db *DB) OfflineCardQueue(ctx context.Context, token string, now time.Time) (pos.OfflineQueue, error) {
	var q pos.OfflineQueue
	var exposure int64
	var oldest sql.NullString
	const qp = `SELECT COALESCE(sum(amount_fen), 0), min(approved_at) FROM card_captures WHERE state = 'pending'`
	if err := db.ro.QueryRowContext(ctx, qp).Scan(&exposure, &oldest); err != nil {
		return q, fmt.Errorf("storage: offline card queue: %w", classify(err))
	}
	q.Exposure = money.Fen(exposure)
	if oldest.Valid {
		t, err := parseTime(oldest.String)
		if err != nil {
			return q, fmt.Errorf("storage: offline card queue: %w", err)
		}
		q.Oldest = t
	}
	if token == "" {
		return q, nil
	}
	day := pos.BusinessDay(now, db.location()).Format(dayLayout)
	const qc = `SELECT count(*) FROM card_captures WHERE token = ? AND business_day = ?`
	if err := db.ro.QueryRowContext(ctx, qc, token, day).Scan(&q.CardToday); err != nil {
		return q, fmt.Errorf("storage: offline card queue: %w", classify(err))
	}
	return q, nil
}

// PendingCardCapture reads the sealed capture record of the offline card
// payment paymentID for its upload; pending is false, with no record, when
// the upload was answered already (uploaded or declined: the record is
// wiped). An unknown payment is pos.CodeNotFound.
func (db *DB) PendingCardCapture(ctx context.Context, paymentID string) (c pos.CardCapture, pending bool, err error) {
	var state string
	var blob []byte
	const q = `SELECT state, capture FROM card_captures WHERE payment_id = ?`
	err = db.ro.QueryRowContext(ctx, q, paymentID).Scan(&state, &blob)
	defer clear(blob)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, false, pos.Errorf(pos.CodeNotFound, "storage: card capture %s: not found", paymentID)
	case err != nil:
		return c, false, fmt.Errorf("storage: card capture %s: %w", paymentID, classify(err))
	case state != capturePending:
		return c, false, nil
	}
	if err := json.Unmarshal(blob, &c); err != nil || c.OutTradeNo != paymentID {
		return pos.CardCapture{}, false, fmt.Errorf("storage: card capture %s: stored record (%v): %w",
			paymentID, err, ErrCorrupt)
	}
	return c, true, nil
}

// CardCaptured records that the acquirer cleared the offline card payment
// paymentID (reference rrn) and wipes its sealed record. Doing it again is
// a no-op.
func (db *DB) CardCaptured(ctx context.Context, paymentID, rrn string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: card captured %s: %w", paymentID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `UPDATE card_captures SET state = 'uploaded', capture = X'', rrn = ?, done_at = ?
		WHERE payment_id = ? AND state = 'pending'`
	res, err := tx.ExecContext(ctx, q, rrn, formatTime(tx.now), paymentID)
	if err != nil {
		return fmt.Errorf("storage: card captured %s: %w", paymentID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 { // RowsAffected cannot fail with this driver
		return nil // recorded before
	}
	if err := auditCapture(ctx, tx, paymentID, "uploaded", rrn); err != nil {
		return fmt.Errorf("storage: card captured %s: %w", paymentID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: card captured %s: commit: %w", paymentID, classify(err))
	}
	return nil
}

// CardCaptureDeclined records that the acquirer refused the upload of the
// offline card payment paymentID for good: it wipes the sealed record and
// books loss, the entry writing the card receivable off, in the same
// transaction, so the loss is in the ledger and in CardLosses or in
// neither. Doing it again (the same payment) books nothing more.
func (db *DB) CardCaptureDeclined(ctx context.Context, paymentID, reason string, loss ledger.Entry) error {
	if err := loss.Validate(); err != nil {
		return fmt.Errorf("storage: card capture declined %s: %w", paymentID, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: card capture declined %s: %w", paymentID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `UPDATE card_captures SET state = 'declined', capture = X'', reason = ?, loss_entry = ?, done_at = ?
		WHERE payment_id = ? AND state = 'pending'`
	res, err := tx.ExecContext(ctx, q, reason, loss.ID, formatTime(tx.now), paymentID)
	if err != nil {
		return fmt.Errorf("storage: card capture declined %s: %w", paymentID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 { // RowsAffected cannot fail with this driver
		return nil // answered before: its loss, if any, is booked
	}
	if err := insertEntry(ctx, tx, loss); err != nil {
		return fmt.Errorf("storage: card capture declined %s: %w", paymentID, err)
	}
	if err := auditCapture(ctx, tx, paymentID, "declined", reason); err != nil {
		return fmt.Errorf("storage: card capture declined %s: %w", paymentID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: card capture declined %s: commit: %w", paymentID, classify(err))
	}
	return nil
}

// auditCapture records the acquirer's answer to an offline card payment's
// upload: a payment state change the till did not make itself.
func auditCapture(ctx context.Context, tx *tx, paymentID, state, detail string) error {
	_, err := appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditPayment, Subject: paymentID,
		Data: pos.AuditData(map[string]any{"capture": state, "detail": detail})})
	return err
}

// CardLoss is an offline card payment the acquirer refused at upload: the
// customer left with the goods, the money never came. The owner follows it
// up; the ledger has written it off.
type CardLoss struct {
	SaleID     string
	SaleNo     string // the order number
	PaymentID  string // out_trade_no
	Amount     money.Fen
	MaskedPAN  string    // first 6 / last 4
	ApprovedAt time.Time // when the card approved it offline (UTC)
	DeclinedAt time.Time // when the acquirer refused the upload (UTC)
	Reason     string    // the acquirer's words
	EntryID    string    // the journal entry writing it off
}

// CardLosses lists the offline card payments refused at upload, newest
// first.
func (db *DB) CardLosses(ctx context.Context) ([]CardLoss, error) {
	const q = `SELECT c.sale_id, s.no, c.payment_id, c.amount_fen, c.masked_pan, c.approved_at, c.done_at,
			c.reason, c.loss_entry
		FROM card_captures c JOIN sales s ON s.id = c.sale_id
		WHERE c.state = 'declined' ORDER BY c.done_at DESC, c.payment_id`
	rows, err := db.ro.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("storage: card losses: %w", classify(err))
	}
	defer rows.Close()
	var out []CardLoss
	for rows.Next() {
		l, err := scanCardLoss(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: card losses: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: card losses: %w", classify(err))
	}
	return out, nil
}

func scanCardLoss(s scanner) (CardLoss, error) {
	var l CardLoss
	var amount int64
	var approved, declined string
	err := s.Scan(&l.SaleID, &l.SaleNo, &l.PaymentID, &amount, &l.MaskedPAN, &approved, &declined, &l.Reason, &l.EntryID)
	if err != nil {
		return l, classify(err)
	}
	l.Amount = money.Fen(amount)
	if l.ApprovedAt, err = parseTime(approved); err != nil {
		return l, err
	}
	l.DeclinedAt, err = parseTime(declined)
	return l, err
}
