package soak

import (
	"context"
	"fmt"

	"zhanggui/pos"
	"zhanggui/storage"
)

// ShiftCounts are what the audit found of shifts.
type ShiftCounts struct {
	Shifts, Closed, Moves, OverShort int // OverShort: closes off by anything
	OutsideSales                     int // sales taken while no shift was open
	AuditEvents                      int
	ZReports                         int64
}

func (c ShiftCounts) String() string {
	return fmt.Sprintf("shifts %d (closed %d, %d off), cash moves %d, sales outside a shift %d, Z reports %d, audit events %d (chain verified)",
		c.Shifts, c.Closed, c.OverShort, c.Moves, c.OutsideSales, c.ZReports, c.AuditEvents)
}

// auditShifts checks every shift: each tender's takings on its 交班单
// equal the ledger's for the shift; a closed shift's float plus the
// ledger's cash of the shift (sales, refunds, moves, the over/short) is
// what was counted; no shift is left open; each shift's sales add up to
// the till's with those outside any shift; and the audit chain verifies,
// with one open and one close event per shift.
func auditShifts(ctx context.Context, db *storage.DB, r *Report) error {
	shifts, err := db.Shifts(ctx, 1<<30)
	if err != nil {
		return err
	}
	sales := 0
	for _, sh := range shifts {
		n, err := auditShift(ctx, db, sh, r)
		if err != nil {
			return err
		}
		sales += n
	}
	r.Shifts.OutsideSales = r.Sales - sales
	if r.Shifts.OutsideSales < 0 {
		r.fail("shifts hold %d sales, the till has %d", sales, r.Sales)
	}
	if z, err := db.LastZReport(ctx); err == nil {
		r.Shifts.ZReports = z.No
	}
	return auditChain(ctx, db, len(shifts), r)
}

func auditShift(ctx context.Context, db *storage.DB, sh pos.Shift, r *Report) (int, error) {
	r.Shifts.Shifts++
	f, err := db.ShiftFigures(ctx, sh.ID)
	if err != nil {
		return 0, err
	}
	book, err := db.ShiftLedger(ctx, sh.ID)
	if err != nil {
		return 0, err
	}
	r.Shifts.Moves += len(f.Moves)
	for _, k := range pos.TenderKinds {
		if got, want := f.ByTender[k].Net(), book.Tenders[k]; got != want {
			r.fail("shift %d: the 交班单 has %s %v, the ledger %v", sh.No, k, got, want)
		}
	}
	if sh.State != pos.ShiftClosed {
		r.fail("shift %d is still open after the last till settled", sh.No)
		return f.Sales, nil
	}
	r.Shifts.Closed++
	if sh.OverShort != 0 {
		r.Shifts.OverShort++
	}
	if got, want := sh.Float.Total()+book.Cash, sh.Counted.Total(); got != want {
		r.fail("shift %d: float %v + the ledger's cash %v = %v, counted %v", sh.No, sh.Float.Total(), book.Cash, got, want)
	}
	if sh.Counted.Total()-sh.Expected != sh.OverShort || sh.Expected != f.Expected() {
		r.fail("shift %d: expected %v (figures now %v), counted %v, over/short %v", sh.No, sh.Expected,
			f.Expected(), sh.Counted.Total(), sh.OverShort)
	}
	return f.Sales, nil
}

// auditChain verifies the audit log from its first event and counts the
// shift events.
func auditChain(ctx context.Context, db *storage.DB, shifts int, r *Report) error {
	chk := pos.NewChainChecker(0, pos.GenesisHash())
	kinds := map[pos.AuditKind]int{}
	err := db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		kinds[ev.Kind]++
		r.Shifts.AuditEvents++
		return chk.Check(ev)
	})
	if err != nil {
		r.fail("audit chain: %v", err)
	}
	if kinds[pos.AuditShiftOpen] != shifts || kinds[pos.AuditShiftClose] != r.Shifts.Closed {
		r.fail("audit: %d shift opens and %d closes for %d shifts, %d closed", kinds[pos.AuditShiftOpen],
			kinds[pos.AuditShiftClose], shifts, r.Shifts.Closed)
	}
	if kinds[pos.AuditCashMove] != r.Shifts.Moves {
		r.fail("audit: %d cash move events for %d moves", kinds[pos.AuditCashMove], r.Shifts.Moves)
	}
	return nil
}
