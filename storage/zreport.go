package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// SaveZReport makes the Z report (日结) over the shifts closed since the
// last one, in one transaction with its audit event: its number is the
// last one's + 1 (never reset), its grand total the last one's plus its
// net. It refuses while a shift is open (pos.ErrShiftsOpenAtZ) and when no
// shift closed since the last Z (pos.ErrNothingForZ).
func (db *DB) SaveZReport(ctx context.Context, by, till string) (pos.ZReport, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return pos.ZReport{}, fmt.Errorf("storage: Z report: %w", err)
	}
	defer tx.Rollback()
	z, err := buildZ(ctx, tx, by, till, db.location())
	if err == nil {
		err = writeZ(ctx, tx, &z)
	}
	if err != nil {
		return z, fmt.Errorf("storage: Z report: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return z, fmt.Errorf("storage: Z report: commit: %w", classify(err))
	}
	return z, nil
}

func buildZ(ctx context.Context, tx *tx, by, till string, loc *time.Location) (pos.ZReport, error) {
	z := pos.ZReport{At: tx.now, By: by, Till: till, Day: pos.BusinessDay(tx.now, loc),
		ByTender: map[pos.TenderKind]pos.TenderFigures{}}
	if _, err := openShift(ctx, tx); err == nil {
		return z, pos.ErrShiftsOpenAtZ
	} else if !errors.Is(err, pos.ErrNoShift) {
		return z, err
	}
	var ids []string
	err := eachRow(ctx, tx, `SELECT id FROM shifts WHERE state = 'closed' AND z_no = 0 ORDER BY no`, nil,
		func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return z, err
	}
	if len(ids) == 0 {
		return z, pos.ErrNothingForZ
	}
	for _, id := range ids {
		if err := addShiftToZ(ctx, tx, id, &z); err != nil {
			return z, err
		}
	}
	return z, nil
}

func addShiftToZ(ctx context.Context, tx *tx, id string, z *pos.ZReport) error {
	sh, err := shiftByID(ctx, tx, id)
	if err != nil {
		return err
	}
	f, err := shiftFigures(ctx, tx, sh)
	if err != nil {
		return err
	}
	z.ShiftNos = append(z.ShiftNos, sh.No)
	z.Sales += f.Sales
	z.OverShort += sh.OverShort
	for k, tf := range f.ByTender {
		t := z.ByTender[k]
		t.Sales, t.Refunds = t.Sales+tf.Sales, t.Refunds+tf.Refunds
		t.SaleCount, t.RefundCount = t.SaleCount+tf.SaleCount, t.RefundCount+tf.RefundCount
		z.ByTender[k] = t
		z.Net += tf.Net()
	}
	return nil
}

func writeZ(ctx context.Context, tx *tx, z *pos.ZReport) error {
	var prevGrand money.Fen
	err := tx.QueryRowContext(ctx, `SELECT no, grand_total_fen FROM z_reports ORDER BY no DESC LIMIT 1`).Scan(&z.No, &prevGrand)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return classify(err)
	}
	z.No++
	z.GrandTotal = prevGrand + z.Net
	ev, err := appendAudit(ctx, tx, pos.AuditEvent{Till: z.Till, Actor: z.By, Kind: pos.AuditZReport,
		Subject: fmt.Sprintf("z:%d", z.No), Data: pos.AuditData(map[string]any{"no": z.No, "net_fen": int64(z.Net),
			"grand_total_fen": int64(z.GrandTotal), "shifts": len(z.ShiftNos), "over_short_fen": int64(z.OverShort)})})
	if err != nil {
		return err
	}
	z.Seq = ev.Seq
	const q = `INSERT INTO z_reports (no, at, by_staff, till, business_day, net_fen, grand_total_fen, json, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err = tx.ExecContext(ctx, q, z.No, formatTime(z.At), z.By, z.Till, z.Day.Format(dayLayout), int64(z.Net),
		int64(z.GrandTotal), zJSON(*z), z.Seq)
	if err != nil {
		return classify(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE shifts SET z_no = ? WHERE state = 'closed' AND z_no = 0`, z.No)
	return classify(err)
}

// LastZReport is the newest Z report; ErrNotFound before the first.
func (db *DB) LastZReport(ctx context.Context) (pos.ZReport, error) {
	var z pos.ZReport
	var at, day, js string
	const q = `SELECT no, at, by_staff, till, business_day, net_fen, grand_total_fen, json, seq FROM z_reports
		ORDER BY no DESC LIMIT 1`
	err := db.ro.QueryRowContext(ctx, q).Scan(&z.No, &at, &z.By, &z.Till, &day, &z.Net, &z.GrandTotal, &js, &z.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return z, fmt.Errorf("storage: last Z report: %w", ErrNotFound)
	}
	if err != nil {
		return z, fmt.Errorf("storage: last Z report: %w", classify(err))
	}
	var f zFigures
	if err := json.Unmarshal([]byte(js), &f); err != nil {
		return z, fmt.Errorf("storage: last Z report: %w: %v", ErrCorrupt, err)
	}
	z.ShiftNos, z.ByTender, z.Sales, z.OverShort = f.ShiftNos, f.ByTender, f.Sales, f.OverShort
	if z.At, err = parseTime(at); err != nil {
		return z, err
	}
	if z.Day, err = time.ParseInLocation(dayLayout, day, db.location()); err != nil {
		return z, fmt.Errorf("%w: bad stored day %q", ErrCorrupt, day)
	}
	return z, nil
}
