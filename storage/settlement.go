package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// Settlement: the providers' bills as received, and the till's records in
// the shapes reconciliation reads (sync/settlement matches them; storage
// only keeps and finds them). A day is a date in the providers' time zone
// (Beijing), passed as its midnight; storage stores it as YYYY-MM-DD.

// BillRow is one row of a provider's bill.
type BillRow struct {
	Line        int
	Provider    string // alipay, wechat, unionpay, ecny, card
	Kind        string // payment, refund, reversal
	OutTradeNo  string
	TradeNo     string
	OutRefundNo string
	Amount      money.Fen // > 0
	Fee         money.Fen // > 0 charged, < 0 given back
	At          time.Time
	Coupon      money.Fen // the part of Amount a coupon paid
	Unsettled   money.Fen // the part of Coupon the provider does not pay out (≤ Coupon)
}

// Bill is one channel's bill of one day.
type Bill struct {
	ID         int64
	Channel    string    // alipay, wechat, acquirer
	Day        time.Time // the day's midnight in the providers' zone
	Source     string    // "download" or the imported file's name
	SHA256     string    // of the file as received, hex
	ImportedAt time.Time
	Rows       []BillRow
}

// SaveBill stores a bill and its rows in one transaction and returns its
// ID. A bill with the same channel, day and file hash is stored once: the
// second time SaveBill returns the first one's ID and added false.
func (db *DB) SaveBill(ctx context.Context, b Bill) (id int64, added bool, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("storage: save %s bill %s: %w", b.Channel, b.Day.Format(dayLayout), err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const find = `SELECT id FROM bills WHERE channel = ? AND day = ? AND sha256 = ?`
	err = tx.QueryRowContext(ctx, find, b.Channel, b.Day.Format(dayLayout), b.SHA256).Scan(&id)
	switch {
	case err == nil:
		return id, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, fmt.Errorf("storage: save %s bill: %w", b.Channel, classify(err))
	}
	if id, err = insertBill(ctx, tx, b); err != nil {
		return 0, false, fmt.Errorf("storage: save %s bill %s: %w", b.Channel, b.Day.Format(dayLayout), err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("storage: save %s bill: commit: %w", b.Channel, classify(err))
	}
	return id, true, nil
}

func insertBill(ctx context.Context, tx *tx, b Bill) (int64, error) {
	const q = `INSERT INTO bills (channel, day, source, sha256, row_count, imported_at) VALUES (?, ?, ?, ?, ?, ?)`
	res, err := tx.ExecContext(ctx, q, b.Channel, b.Day.Format(dayLayout), b.Source, b.SHA256, len(b.Rows), formatTime(tx.now))
	if err != nil {
		return 0, classify(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO bill_rows (bill_id, line_no, provider, kind, out_trade_no,
		trade_no, out_refund_no, amount_fen, fee_fen, at, coupon_fen, unsettled_fen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, classify(err)
	}
	defer st.Close()
	for _, r := range b.Rows {
		_, err := st.ExecContext(ctx, id, r.Line, r.Provider, r.Kind, r.OutTradeNo, r.TradeNo, r.OutRefundNo,
			int64(r.Amount), int64(r.Fee), formatTime(r.At), int64(r.Coupon), int64(r.Unsettled))
		if err != nil {
			return 0, fmt.Errorf("row of line %d: %w", r.Line, classify(err))
		}
	}
	return id, nil
}

// LatestBill returns the channel's latest bill of day with its rows, or an
// error wrapping ErrNotFound when there is none.
func (db *DB) LatestBill(ctx context.Context, channel string, day time.Time) (Bill, error) {
	rtx, err := db.read(ctx)
	if err != nil {
		return Bill{}, fmt.Errorf("storage: %s bill %s: %w", channel, day.Format(dayLayout), err)
	}
	defer rtx.Rollback() // read only
	b := Bill{Channel: channel, Day: day}
	var imported string
	const q = `SELECT id, source, sha256, imported_at FROM bills WHERE channel = ? AND day = ? ORDER BY id DESC LIMIT 1`
	err = rtx.QueryRowContext(ctx, q, channel, day.Format(dayLayout)).Scan(&b.ID, &b.Source, &b.SHA256, &imported)
	if errors.Is(err, sql.ErrNoRows) {
		return Bill{}, fmt.Errorf("storage: %s bill %s: %w", channel, day.Format(dayLayout), ErrNotFound)
	}
	if err != nil {
		return Bill{}, fmt.Errorf("storage: %s bill %s: %w", channel, day.Format(dayLayout), classify(err))
	}
	if b.ImportedAt, err = parseTime(imported); err != nil {
		return Bill{}, err
	}
	if b.Rows, err = billRows(ctx, rtx, b.ID); err != nil {
		return Bill{}, fmt.Errorf("storage: %s bill %s: %w", channel, day.Format(dayLayout), err)
	}
	return b, nil
}

func billRows(ctx context.Context, q querier, id int64) ([]BillRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT line_no, provider, kind, out_trade_no, trade_no, out_refund_no,
		amount_fen, fee_fen, at, coupon_fen, unsettled_fen FROM bill_rows WHERE bill_id = ? ORDER BY line_no`, id)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []BillRow
	for rows.Next() {
		var r BillRow
		var amount, fee, coupon, unsettled int64
		var at string
		err := rows.Scan(&r.Line, &r.Provider, &r.Kind, &r.OutTradeNo, &r.TradeNo, &r.OutRefundNo, &amount, &fee, &at,
			&coupon, &unsettled)
		if err != nil {
			return nil, classify(err)
		}
		r.Amount, r.Fee, r.Coupon, r.Unsettled = money.Fen(amount), money.Fen(fee), money.Fen(coupon), money.Fen(unsettled)
		if r.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// PaymentsBetween lists the payment attempts made (created) with
// from <= Created < to, oldest first, whatever their state.
func (db *DB) PaymentsBetween(ctx context.Context, from, to time.Time) ([]pos.Payment, error) {
	return db.payments(ctx, `WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`,
		formatTime(from), formatTime(to))
}

// PaymentsByID lists the payment attempts with the given out_trade_nos
// (those that exist), oldest first.
func (db *DB) PaymentsByID(ctx context.Context, ids []string) ([]pos.Payment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.payments(ctx, `WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`, jsonArray(ids))
}

// RefundsBetween lists the refunds made with from <= At < to, oldest first.
func (db *DB) RefundsBetween(ctx context.Context, from, to time.Time) ([]pos.Refund, error) {
	return db.refunds(ctx, `WHERE at >= ? AND at < ? ORDER BY at, id`, formatTime(from), formatTime(to))
}

// RefundsByID lists the refunds with the given out_refund_nos, oldest first.
func (db *DB) RefundsByID(ctx context.Context, ids []string) ([]pos.Refund, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.refunds(ctx, `WHERE id IN (SELECT value FROM json_each(?)) ORDER BY at, id`, jsonArray(ids))
}

// RefundsOfPayments lists every refund of the given payments, oldest first.
func (db *DB) RefundsOfPayments(ctx context.Context, paymentIDs []string) ([]pos.Refund, error) {
	if len(paymentIDs) == 0 {
		return nil, nil
	}
	return db.refunds(ctx, `WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY at, id`, jsonArray(paymentIDs))
}

// TenderRef is one tender of a saved sale, with what identifies the sale.
type TenderRef struct {
	SaleID    string
	SaleNo    string
	SaleAt    time.Time
	Training  bool // training mode: nothing real was charged
	Line      int  // the tender's index in the sale
	Kind      pos.TenderKind
	Amount    money.Fen
	PaymentID string // the provider payment; "" for cash and stored value
	Ref       string
}

const tenderRefQuery = `SELECT s.id, s.no, s.at, s.training, t.line_no, t.kind, t.amount_fen, t.payment_id, t.ref
	FROM tenders t JOIN sales s ON s.id = t.sale_id `

// ProviderTendersBetween lists the tenders paid through a provider (not
// cash, not stored value) of the sales with from <= At < to.
func (db *DB) ProviderTendersBetween(ctx context.Context, from, to time.Time) ([]TenderRef, error) {
	return db.tenderRefs(ctx, tenderRefQuery+`WHERE s.at >= ? AND s.at < ? AND t.kind NOT IN ('cash', 'stored_value')
		ORDER BY s.at, s.id, t.line_no`, formatTime(from), formatTime(to))
}

// TendersOfPayments lists the tenders that the given payments paid.
func (db *DB) TendersOfPayments(ctx context.Context, paymentIDs []string) ([]TenderRef, error) {
	if len(paymentIDs) == 0 {
		return nil, nil
	}
	return db.tenderRefs(ctx, tenderRefQuery+`WHERE t.payment_id IN (SELECT value FROM json_each(?))
		ORDER BY s.at, s.id, t.line_no`, jsonArray(paymentIDs))
}

func (db *DB) tenderRefs(ctx context.Context, q string, args ...any) ([]TenderRef, error) {
	rows, err := db.ro.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: tenders: %w", classify(err))
	}
	defer rows.Close()
	var out []TenderRef
	for rows.Next() {
		var t TenderRef
		var at, kind string
		var amount int64
		if err := rows.Scan(&t.SaleID, &t.SaleNo, &at, &t.Training, &t.Line, &kind, &amount, &t.PaymentID, &t.Ref); err != nil {
			return nil, fmt.Errorf("storage: tenders: %w", classify(err))
		}
		t.Kind, t.Amount = pos.TenderKind(kind), money.Fen(amount)
		if t.SaleAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("storage: tenders: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: tenders: %w", classify(err))
	}
	return out, nil
}

// SaleNos returns the order numbers of the given sales, by sale ID.
func (db *DB) SaleNos(ctx context.Context, saleIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(saleIDs))
	if len(saleIDs) == 0 {
		return out, nil
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT id, no FROM sales WHERE id IN (SELECT value FROM json_each(?))`, jsonArray(saleIDs))
	if err != nil {
		return nil, fmt.Errorf("storage: sale numbers: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, no string
		if err := rows.Scan(&id, &no); err != nil {
			return nil, fmt.Errorf("storage: sale numbers: %w", classify(err))
		}
		out[id] = no
	}
	return out, classify(rows.Err())
}

// AccountTotals sums an account's postings of the journal entries with
// from <= At < to: the debits and the credits, each ≥ 0. For the drawer
// (ledger.Cash) they are the cash taken in and paid out.
func (db *DB) AccountTotals(ctx context.Context, a ledger.Account, from, to time.Time) (debit, credit money.Fen, err error) {
	const q = `SELECT COALESCE(sum(p.debit_fen), 0), COALESCE(sum(p.credit_fen), 0)
		FROM postings p JOIN journal_entries e ON e.id = p.entry_id
		WHERE p.account = ? AND e.at >= ? AND e.at < ?`
	var dr, cr int64
	if err := db.ro.QueryRowContext(ctx, q, string(a), formatTime(from), formatTime(to)).Scan(&dr, &cr); err != nil {
		return 0, 0, fmt.Errorf("storage: totals of %s: %w", a, classify(err))
	}
	return money.Fen(dr), money.Fen(cr), nil
}
