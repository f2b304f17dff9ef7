package storage

import (
	"context"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// ShiftFigures are a shift's figures for an X report, a close or its
// 交班单, read in one snapshot: sales by tender from the sales taken in the
// shift, refunds from those booked in it, its cash moves, and counts of its
// audit events (voids, drawer opens, reprints, approvals).
func (db *DB) ShiftFigures(ctx context.Context, id string) (pos.ShiftFigures, error) {
	t, err := db.read(ctx)
	if err != nil {
		return pos.ShiftFigures{}, fmt.Errorf("storage: shift figures: %w", err)
	}
	defer t.Rollback()
	sh, err := shiftByID(ctx, t, id)
	if err != nil {
		return pos.ShiftFigures{}, fmt.Errorf("storage: shift figures %s: %w", id, err)
	}
	f, err := shiftFigures(ctx, t, sh)
	if err != nil {
		return f, fmt.Errorf("storage: shift figures %s: %w", id, err)
	}
	return f, nil
}

func shiftFigures(ctx context.Context, q querier, sh pos.Shift) (pos.ShiftFigures, error) {
	f := pos.ShiftFigures{Float: sh.Float.Total(), ByTender: map[pos.TenderKind]pos.TenderFigures{}}
	steps := []func() error{
		func() error { return tenderSales(ctx, q, sh.ID, f.ByTender) },
		func() error { return tenderRefunds(ctx, q, sh.ID, f.ByTender) },
		func() error {
			const qs = `SELECT count(*), COALESCE(sum(discount_fen + rounding_fen), 0) FROM sales WHERE shift_id = ?`
			return classify(q.QueryRowContext(ctx, qs, sh.ID).Scan(&f.Sales, &f.Discounts))
		},
		func() error { return cashMoves(ctx, q, sh.ID, &f) },
		func() error { return shiftEvents(ctx, q, sh, &f) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return f, err
		}
	}
	return f, nil
}

func tenderSales(ctx context.Context, q querier, id string, by map[pos.TenderKind]pos.TenderFigures) error {
	const qs = `SELECT t.kind, count(*), sum(t.amount_fen) FROM tenders t JOIN sales s ON s.id = t.sale_id
		WHERE s.shift_id = ? GROUP BY t.kind`
	return eachRow(ctx, q, qs, []any{id}, func(scan func(...any) error) error {
		var k pos.TenderKind
		var tf pos.TenderFigures
		if err := scan(&k, &tf.SaleCount, &tf.Sales); err != nil {
			return err
		}
		by[k] = tf
		return nil
	})
}

func tenderRefunds(ctx context.Context, q querier, id string, by map[pos.TenderKind]pos.TenderFigures) error {
	const qr = `SELECT r.kind, count(*), sum(r.amount_fen) FROM refunds r JOIN shift_entries e ON e.entry_id = r.entry_id
		WHERE e.shift_id = ? AND r.state = 'done' GROUP BY r.kind`
	return eachRow(ctx, q, qr, []any{id}, func(scan func(...any) error) error {
		var k pos.TenderKind
		var n int
		var amount money.Fen
		if err := scan(&k, &n, &amount); err != nil {
			return err
		}
		tf := by[k]
		tf.RefundCount, tf.Refunds = n, amount
		by[k] = tf
		return nil
	})
}

func cashMoves(ctx context.Context, q querier, id string, f *pos.ShiftFigures) error {
	const qm = `SELECT id, kind, amount_fen, reason, by_staff, approver, at FROM cash_moves
		WHERE shift_id = ? ORDER BY at, id`
	return eachRow(ctx, q, qm, []any{id}, func(scan func(...any) error) error {
		m := pos.CashMove{ShiftID: id}
		var at string
		if err := scan(&m.ID, &m.Kind, &m.Amount, &m.Reason, &m.By, &m.Approver, &at); err != nil {
			return err
		}
		var err error
		if m.At, err = parseTime(at); err != nil {
			return err
		}
		f.Moves = append(f.Moves, m)
		switch m.Kind {
		case pos.PaidIn:
			f.PaidIn += m.Amount
		case pos.PaidOut:
			f.PaidOut += m.Amount
		case pos.Drop:
			f.Drops += m.Amount
		}
		return nil
	})
}

// shiftEvents counts the shift's audit events by kind (those after its
// open and before its close), and the payments settled from 待确认 in it.
func shiftEvents(ctx context.Context, q querier, sh pos.Shift, f *pos.ShiftFigures) error {
	const qe = `SELECT kind, count(*) FROM audit_events WHERE seq > ? AND (? = 0 OR seq < ?) GROUP BY kind`
	err := eachRow(ctx, q, qe, []any{sh.OpenSeq, sh.CloseSeq, sh.CloseSeq}, func(scan func(...any) error) error {
		var k pos.AuditKind
		var n int
		if err := scan(&k, &n); err != nil {
			return err
		}
		switch k {
		case pos.AuditVoid, pos.AuditSaleCancelled:
			f.Voids += n
		case pos.AuditDrawerOpen:
			f.DrawerOpens += n
		case pos.AuditReprint:
			f.Reprints += n
		case pos.AuditApproval:
			f.Approvals += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	const qp = `SELECT count(DISTINCT pe.payment_id) FROM payment_events pe
		WHERE pe.at >= ? AND (? = '' OR pe.at < ?) AND pe.state IN ('succeeded', 'failed', 'reversed')
		AND EXISTS (SELECT 1 FROM payment_events u WHERE u.payment_id = pe.payment_id AND u.state = 'unknown')`
	closed := ""
	if !sh.ClosedAt.IsZero() {
		closed = formatTime(sh.ClosedAt)
	}
	return classify(q.QueryRowContext(ctx, qp, formatTime(sh.OpenedAt), closed, closed).Scan(&f.Resolved))
}

// eachRow runs a query and calls fn with each row's scanner.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return classify(err)
		}
	}
	return classify(rows.Err())
}

// ShiftBook is what the ledger says of a shift, summed from the postings
// of the entries booked in it: each tender account's net over its sales'
// and refunds' entries, and the drawer's net over all of them (sales,
// refunds, cash moves, the close's over/short).
type ShiftBook struct {
	Tenders map[pos.TenderKind]money.Fen
	Cash    money.Fen
}

// ShiftLedger reads a shift's ShiftBook: the independent figures a
// 交班单's per-tender totals are checked against.
func (db *DB) ShiftLedger(ctx context.Context, id string) (ShiftBook, error) {
	b := ShiftBook{Tenders: map[pos.TenderKind]money.Fen{}}
	accounts := map[ledger.Account]pos.TenderKind{}
	for _, k := range pos.TenderKinds {
		a, _ := k.Account() // every listed kind has one
		accounts[a] = k
	}
	const q = `SELECT p.account, sum(p.debit_fen) - sum(p.credit_fen),
		EXISTS (SELECT 1 FROM sales s WHERE s.entry_id = e.entry_id)
		OR EXISTS (SELECT 1 FROM refunds r WHERE r.entry_id = e.entry_id)
		FROM shift_entries e JOIN postings p ON p.entry_id = e.entry_id
		WHERE e.shift_id = ? GROUP BY e.entry_id, p.account`
	err := eachRow(ctx, db.ro, q, []any{id}, func(scan func(...any) error) error {
		var a ledger.Account
		var net money.Fen
		var takings bool
		if err := scan(&a, &net, &takings); err != nil {
			return err
		}
		if a == ledger.Cash {
			b.Cash += net
		}
		if k, ok := accounts[a]; ok && takings {
			b.Tenders[k] += net
		}
		return nil
	})
	if err != nil {
		return b, fmt.Errorf("storage: shift ledger %s: %w", id, err)
	}
	return b, nil
}
