package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// SalesReport adds up the completed sales of the shop-local days
// [from, to) and the refunds done in them (pos.ReportBuilder says how
// each is counted). from and to are taken as the days they fall on in the
// shop's zone; to must be after from. Everything is read in one snapshot
// with three queries, however many sales there are: lines, tenders, and
// the period's refunds with the lines of the sales they refund.
func (db *DB) SalesReport(ctx context.Context, from, to time.Time) (pos.SalesReport, error) {
	loc := db.location()
	from, to = pos.BusinessDay(from, loc), pos.BusinessDay(to, loc)
	if !to.After(from) {
		return pos.SalesReport{}, pos.Errorf(pos.CodeInvalid, "storage: sales report from %s to %s: an empty period",
			from.Format(dayLayout), to.Format(dayLayout))
	}
	r, err := db.salesReport(ctx, pos.NewReportBuilder(from, to, loc), formatTime(from), formatTime(to))
	if err != nil {
		return pos.SalesReport{}, fmt.Errorf("storage: sales report from %s to %s: %w",
			from.Format(dayLayout), to.AddDate(0, 0, -1).Format(dayLayout), err)
	}
	return r, nil
}

func (db *DB) salesReport(ctx context.Context, b *pos.ReportBuilder, from, to string) (pos.SalesReport, error) {
	rtx, err := db.read(ctx)
	if err != nil {
		return pos.SalesReport{}, err
	}
	defer rtx.Rollback() // read only: nothing to undo

	sales, bySale, err := reportSales(ctx, rtx, from, to)
	if err != nil {
		return pos.SalesReport{}, err
	}
	if err := reportTenders(ctx, rtx, from, to, bySale); err != nil {
		return pos.SalesReport{}, err
	}
	for _, s := range sales {
		b.AddSale(s)
	}
	if err := reportRefunds(ctx, rtx, b, from, to, bySale); err != nil {
		return pos.SalesReport{}, err
	}
	return b.Report(), nil
}

// reportSales reads the sales of the period with their lines, in the
// order they were made. Tenders and the journal entry are left out.
func reportSales(ctx context.Context, q querier, from, to string) ([]*pos.Sale, map[string]*pos.Sale, error) {
	const sq = `SELECT s.id, s.at, s.cashier, s.subtotal_fen, s.discount_fen, s.rounding_fen, s.total_fen,
		l.barcode, l.name, l.unit, l.category, l.qty_milli, l.gross_fen, l.discount_fen, l.amount_fen
		FROM sales s JOIN sale_lines l ON l.sale_id = s.id
		WHERE s.at >= ? AND s.at < ? ORDER BY s.at, s.id, l.line_no`
	rows, err := q.QueryContext(ctx, sq, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("sales: %w", classify(err))
	}
	defer rows.Close()
	var out []*pos.Sale
	bySale := map[string]*pos.Sale{}
	var head pos.Sale
	var at string
	for rows.Next() {
		var l pos.Line
		err := rows.Scan(&head.ID, &at, &head.Cashier, &head.Subtotal, &head.Discount, &head.Rounding, &head.Total,
			&l.Barcode, &l.Name, &l.Unit, &l.Category, &l.Qty, &l.Gross, &l.Discount, &l.Amount)
		if err != nil {
			return nil, nil, fmt.Errorf("sales: %w", classify(err))
		}
		s, ok := bySale[head.ID]
		if !ok {
			s = &pos.Sale{ID: head.ID, Cashier: head.Cashier, Subtotal: head.Subtotal, Discount: head.Discount,
				Rounding: head.Rounding, Total: head.Total}
			if s.At, err = parseTime(at); err != nil {
				return nil, nil, fmt.Errorf("sale %s: %w", s.ID, err)
			}
			bySale[s.ID] = s
			out = append(out, s)
		}
		s.Lines = append(s.Lines, l)
	}
	return out, bySale, classify(rows.Err())
}

// reportTenders adds the tenders of the period's sales to them.
func reportTenders(ctx context.Context, q querier, from, to string, bySale map[string]*pos.Sale) error {
	const sq = `SELECT t.sale_id, t.kind, t.amount_fen FROM sales s JOIN tenders t ON t.sale_id = s.id
		WHERE s.at >= ? AND s.at < ? ORDER BY t.sale_id, t.line_no`
	rows, err := q.QueryContext(ctx, sq, from, to)
	if err != nil {
		return fmt.Errorf("tenders: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t pos.Tender
		if err := rows.Scan(&id, &t.Kind, &t.Amount); err != nil {
			return fmt.Errorf("tenders: %w", classify(err))
		}
		s, ok := bySale[id]
		if !ok { // one snapshot: only a sale without lines, which Validate refuses, gets here
			return fmt.Errorf("tenders: sale %s has no lines: %w", id, ErrCorrupt)
		}
		s.Tenders = append(s.Tenders, t)
	}
	return classify(rows.Err())
}

// reportRefunds adds the refunds done in the period. A refund of a sale
// from before the period needs that sale's lines and cashier: they are
// read with one more query for all such sales.
func reportRefunds(ctx context.Context, q querier, b *pos.ReportBuilder, from, to string, bySale map[string]*pos.Sale) error {
	rs, err := doneRefunds(ctx, q, from, to)
	if err != nil {
		return err
	}
	var older []string
	for _, r := range rs {
		if _, ok := bySale[r.SaleID]; !ok && !slices.Contains(older, r.SaleID) {
			older = append(older, r.SaleID)
		}
	}
	if len(older) > 0 {
		ss, err := saleHeaders(ctx, q, `WHERE id IN (SELECT value FROM json_each(?))`, jsonArray(older))
		if err != nil {
			return fmt.Errorf("refunded sales: %w", err)
		}
		for _, s := range ss {
			bySale[s.ID] = s
		}
		if err := readLines(ctx, q, jsonArray(older), bySale); err != nil {
			return fmt.Errorf("refunded sales: %w", err)
		}
	}
	for _, r := range rs {
		s, ok := bySale[r.SaleID]
		if !ok { // the foreign key keeps this from happening
			return fmt.Errorf("refund %s: sale %s: %w", r.ID, r.SaleID, ErrCorrupt)
		}
		b.AddRefund(r, s)
	}
	return nil
}

// doneRefunds lists the refunds done and made in the period. The refunds
// table is small (a shop refunds a few sales a day): a scan costs less
// than an index every refund would write.
func doneRefunds(ctx context.Context, q querier, from, to string) ([]pos.Refund, error) {
	const sq = `SELECT id, sale_id, tender, kind, amount_fen, at FROM refunds
		WHERE state = 'done' AND at >= ? AND at < ? ORDER BY at, id`
	rows, err := q.QueryContext(ctx, sq, from, to)
	if err != nil {
		return nil, fmt.Errorf("refunds: %w", classify(err))
	}
	defer rows.Close()
	var out []pos.Refund
	for rows.Next() {
		var r pos.Refund
		var at string
		var amount int64
		if err := rows.Scan(&r.ID, &r.SaleID, &r.Tender, &r.Kind, &amount, &at); err != nil {
			return nil, fmt.Errorf("refunds: %w", classify(err))
		}
		r.Amount, r.State = money.Fen(amount), pos.RefundDone
		if r.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("refund %s: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}
