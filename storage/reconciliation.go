package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// ReconDay is the stored reconciliation of one day, every channel.
type ReconDay struct {
	Day      time.Time // midnight in the providers' zone
	RanAt    time.Time // set by SaveReconciliation
	Channels []ReconChannel
	Items    []ReconItem
	CashIn   money.Fen // Σ debits of the drawer account that day
	CashOut  money.Fen // Σ credits of the drawer account
	// CountedCash is the drawer as counted at shift close. Shifts do not
	// exist yet, so it is always nil for now; the column waits for them.
	CountedCash *money.Fen
}

// ReconChannel is one channel's figures of the day.
type ReconChannel struct {
	Channel      string
	HaveBill     bool
	BillID       int64 // 0: no bill
	FeeRateBP    int64
	Payments     int
	Refunds      int
	Gross        money.Fen
	Refunded     money.Fen
	FeesCharged  money.Fen
	FeesReturned money.Fen
	TillPayments int
	TillRefunds  int
	TillGross    money.Fen
	TillRefunded money.Fen
	ExpectedFees money.Fen
	Differences  int
	Urgent       int
	Unsettled    money.Fen // coupon parts the provider does not pay out (settlement.Summary.Unsettled)
}

// ReconItem is one transaction of the day and how it came out.
type ReconItem struct {
	Channel       string
	Key           string // the stable difference key
	Status        string
	Kind          string
	Difference    bool
	Urgent        bool
	Provider      string
	OutTradeNo    string
	OutRefundNo   string
	TradeNo       string
	SaleNo        string
	OnBill        bool
	InTill        bool
	BillAmount    money.Fen
	TillAmount    money.Fen
	BillFee       money.Fen
	ExpectedFee   money.Fen
	BillCoupon    money.Fen // the part of BillAmount a coupon paid
	BillUnsettled money.Fen // the part of BillCoupon the provider does not pay out
	BillAt        time.Time // zero when not on the bill
	TillAt        time.Time // zero when not in the till
	Line          int
	Resolution    *Resolution // the latest note on Key; set by Reconciliation
}

// Resolution is a note on a difference: who explained it, when and why.
type Resolution struct {
	Key  string
	Who  string
	Note string
	At   time.Time
}

// SaveReconciliation replaces the stored reconciliation of d.Day with d, in
// one transaction. Resolutions are not touched: they attach by key to
// whatever the new run finds.
func (db *DB) SaveReconciliation(ctx context.Context, d ReconDay) error {
	day := d.Day.Format(dayLayout)
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save reconciliation %s: %w", day, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := replaceReconDay(ctx, tx, d); err != nil {
		return fmt.Errorf("storage: save reconciliation %s: %w", day, err)
	}
	if err := insertReconItems(ctx, tx, day, d.Items); err != nil {
		return fmt.Errorf("storage: save reconciliation %s: %w", day, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save reconciliation %s: commit: %w", day, classify(err))
	}
	return nil
}

// replaceReconDay deletes the day's old rows and writes its day and
// channel rows.
func replaceReconDay(ctx context.Context, tx *tx, d ReconDay) error {
	day := d.Day.Format(dayLayout)
	for _, q := range []string{`DELETE FROM recon_items WHERE day = ?`, `DELETE FROM recon_channels WHERE day = ?`,
		`DELETE FROM recon_days WHERE day = ?`} {
		if _, err := tx.ExecContext(ctx, q, day); err != nil {
			return classify(err)
		}
	}
	var counted any
	if d.CountedCash != nil {
		counted = int64(*d.CountedCash)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO recon_days (day, ran_at, cash_in_fen, cash_out_fen, counted_cash_fen)
		VALUES (?, ?, ?, ?, ?)`, day, formatTime(tx.now), int64(d.CashIn), int64(d.CashOut), counted)
	if err != nil {
		return classify(err)
	}
	const q = `INSERT INTO recon_channels (day, seq, channel, have_bill, bill_id, fee_rate_bp, payments, refunds,
		gross_fen, refunded_fen, fees_charged_fen, fees_returned_fen, till_payments, till_refunds, till_gross_fen,
		till_refunded_fen, expected_fees_fen, differences, urgent, unsettled_fen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for i, c := range d.Channels {
		var bill any
		if c.BillID != 0 {
			bill = c.BillID
		}
		_, err := tx.ExecContext(ctx, q, day, i, c.Channel, boolInt(c.HaveBill), bill, c.FeeRateBP, c.Payments, c.Refunds,
			int64(c.Gross), int64(c.Refunded), int64(c.FeesCharged), int64(c.FeesReturned), c.TillPayments,
			c.TillRefunds, int64(c.TillGross), int64(c.TillRefunded), int64(c.ExpectedFees), c.Differences, c.Urgent,
			int64(c.Unsettled))
		if err != nil {
			return fmt.Errorf("channel %s: %w", c.Channel, classify(err))
		}
	}
	return nil
}

func insertReconItems(ctx context.Context, tx *tx, day string, items []ReconItem) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO recon_items (day, seq, channel, key, status, kind, difference,
		urgent, provider, out_trade_no, out_refund_no, trade_no, sale_no, on_bill, in_till, bill_amount_fen,
		till_amount_fen, bill_fee_fen, expected_fee_fen, bill_at, till_at, line_no, bill_coupon_fen, bill_unsettled_fen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return classify(err)
	}
	defer st.Close()
	for i, it := range items {
		_, err := st.ExecContext(ctx, day, i, it.Channel, it.Key, it.Status, it.Kind, boolInt(it.Difference),
			boolInt(it.Urgent), it.Provider, it.OutTradeNo, it.OutRefundNo, it.TradeNo, it.SaleNo, boolInt(it.OnBill),
			boolInt(it.InTill), int64(it.BillAmount), int64(it.TillAmount), int64(it.BillFee), int64(it.ExpectedFee),
			optTime(it.BillAt), optTime(it.TillAt), it.Line, int64(it.BillCoupon), int64(it.BillUnsettled))
		if err != nil {
			return fmt.Errorf("item %s: %w", it.Key, classify(err))
		}
	}
	return nil
}

// optTime stores a zero time as ”.
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func parseOptTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

// Reconciliation reads the stored reconciliation of day, each difference
// with its latest resolution. It wraps ErrNotFound when the day was never
// reconciled.
func (db *DB) Reconciliation(ctx context.Context, day time.Time) (ReconDay, error) {
	rtx, err := db.read(ctx)
	if err != nil {
		return ReconDay{}, fmt.Errorf("storage: reconciliation %s: %w", day.Format(dayLayout), err)
	}
	defer rtx.Rollback() // read only
	d, err := readReconDay(ctx, rtx, day)
	if err == nil {
		err = readReconChannels(ctx, rtx, &d)
	}
	if err == nil {
		err = readReconItems(ctx, rtx, &d)
	}
	if err == nil {
		err = attachResolutions(ctx, rtx, d.Items)
	}
	if err != nil {
		return ReconDay{}, fmt.Errorf("storage: reconciliation %s: %w", day.Format(dayLayout), err)
	}
	return d, nil
}

func readReconDay(ctx context.Context, q querier, day time.Time) (ReconDay, error) {
	d := ReconDay{Day: day}
	var ran string
	var in, out int64
	var counted sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT ran_at, cash_in_fen, cash_out_fen, counted_cash_fen FROM recon_days WHERE day = ?`,
		day.Format(dayLayout)).Scan(&ran, &in, &out, &counted)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, classify(err)
	}
	d.CashIn, d.CashOut = money.Fen(in), money.Fen(out)
	if counted.Valid {
		c := money.Fen(counted.Int64)
		d.CountedCash = &c
	}
	d.RanAt, err = parseTime(ran)
	return d, err
}

func readReconChannels(ctx context.Context, q querier, d *ReconDay) error {
	rows, err := q.QueryContext(ctx, `SELECT channel, have_bill, COALESCE(bill_id, 0), fee_rate_bp, payments, refunds,
		gross_fen, refunded_fen, fees_charged_fen, fees_returned_fen, till_payments, till_refunds, till_gross_fen,
		till_refunded_fen, expected_fees_fen, differences, urgent, unsettled_fen FROM recon_channels WHERE day = ? ORDER BY seq`,
		d.Day.Format(dayLayout))
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ReconChannel
		var f [9]int64
		err := rows.Scan(&c.Channel, &c.HaveBill, &c.BillID, &c.FeeRateBP, &c.Payments, &c.Refunds, &f[0], &f[1], &f[2],
			&f[3], &c.TillPayments, &c.TillRefunds, &f[4], &f[5], &f[6], &c.Differences, &c.Urgent, &f[7])
		if err != nil {
			return classify(err)
		}
		c.Gross, c.Refunded, c.FeesCharged, c.FeesReturned = money.Fen(f[0]), money.Fen(f[1]), money.Fen(f[2]), money.Fen(f[3])
		c.TillGross, c.TillRefunded, c.ExpectedFees, c.Unsettled = money.Fen(f[4]), money.Fen(f[5]), money.Fen(f[6]), money.Fen(f[7])
		d.Channels = append(d.Channels, c)
	}
	return classify(rows.Err())
}

func readReconItems(ctx context.Context, q querier, d *ReconDay) error {
	rows, err := q.QueryContext(ctx, `SELECT channel, key, status, kind, difference, urgent, provider, out_trade_no,
		out_refund_no, trade_no, sale_no, on_bill, in_till, bill_amount_fen, till_amount_fen, bill_fee_fen,
		expected_fee_fen, bill_at, till_at, line_no, bill_coupon_fen, bill_unsettled_fen FROM recon_items
		WHERE day = ? ORDER BY seq`, d.Day.Format(dayLayout))
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var it ReconItem
		var f [6]int64
		var billAt, tillAt string
		err := rows.Scan(&it.Channel, &it.Key, &it.Status, &it.Kind, &it.Difference, &it.Urgent, &it.Provider,
			&it.OutTradeNo, &it.OutRefundNo, &it.TradeNo, &it.SaleNo, &it.OnBill, &it.InTill, &f[0], &f[1], &f[2], &f[3],
			&billAt, &tillAt, &it.Line, &f[4], &f[5])
		if err != nil {
			return classify(err)
		}
		it.BillAmount, it.TillAmount, it.BillFee, it.ExpectedFee = money.Fen(f[0]), money.Fen(f[1]), money.Fen(f[2]), money.Fen(f[3])
		it.BillCoupon, it.BillUnsettled = money.Fen(f[4]), money.Fen(f[5])
		if it.BillAt, err = parseOptTime(billAt); err != nil {
			return err
		}
		if it.TillAt, err = parseOptTime(tillAt); err != nil {
			return err
		}
		d.Items = append(d.Items, it)
	}
	return classify(rows.Err())
}

// attachResolutions sets each difference's latest resolution.
func attachResolutions(ctx context.Context, q querier, items []ReconItem) error {
	var keys []string
	for _, it := range items {
		if it.Difference {
			keys = append(keys, it.Key)
		}
	}
	res, err := resolutions(ctx, q, keys)
	if err != nil {
		return err
	}
	for i := range items {
		if r, ok := res[items[i].Key]; ok && items[i].Difference {
			items[i].Resolution = &r
		}
	}
	return nil
}

// resolutions returns the latest resolution of each key that has one.
func resolutions(ctx context.Context, q querier, keys []string) (map[string]Resolution, error) {
	out := map[string]Resolution{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT key, who, note, at FROM recon_resolutions
		WHERE key IN (SELECT value FROM json_each(?)) ORDER BY id`, jsonArray(keys))
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Resolution
		var at string
		if err := rows.Scan(&r.Key, &r.Who, &r.Note, &at); err != nil {
			return nil, classify(err)
		}
		if r.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out[r.Key] = r // ordered by id: the latest wins
	}
	return out, classify(rows.Err())
}

// ErrNoSuchDifference means a resolution names a key no stored
// reconciliation has as a difference (a typo, or a difference that a
// re-run no longer finds).
var ErrNoSuchDifference = pos.Errorf(pos.CodeNotFound, "storage: no difference has that key")

// Resolve notes who resolved the difference with key, and why, at the
// database's clock. who and note must not be blank (pos.CodeInvalid); a key
// no stored difference has wraps ErrNoSuchDifference. Notes are kept for
// good: a later note on the same key is added, not written over.
func (db *DB) Resolve(ctx context.Context, key, who, note string) (Resolution, error) {
	who, note = strings.TrimSpace(who), strings.TrimSpace(note)
	if who == "" || note == "" {
		return Resolution{}, pos.Errorf(pos.CodeInvalid, "storage: resolve %s: who and why are both required", key)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return Resolution{}, fmt.Errorf("storage: resolve %s: %w", key, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM recon_items WHERE key = ? AND difference = 1 LIMIT 1`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return Resolution{}, fmt.Errorf("storage: resolve %s: %w", key, ErrNoSuchDifference)
	}
	if err != nil {
		return Resolution{}, fmt.Errorf("storage: resolve %s: %w", key, classify(err))
	}
	r := Resolution{Key: key, Who: who, Note: note, At: tx.now}
	_, err = tx.ExecContext(ctx, `INSERT INTO recon_resolutions (key, who, note, at) VALUES (?, ?, ?, ?)`,
		key, who, note, formatTime(tx.now))
	if err != nil {
		return Resolution{}, fmt.Errorf("storage: resolve %s: %w", key, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return Resolution{}, fmt.Errorf("storage: resolve %s: commit: %w", key, classify(err))
	}
	return r, nil
}
