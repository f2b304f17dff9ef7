package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// CloseBlockers lists what stands in the way of closing a shift: held
// sales, payments not in a final state (待确认/处理中) and pending refunds.
// Nothing blocks when the result's Blocks is false.
func (db *DB) CloseBlockers(ctx context.Context) (*pos.ShiftBlockedError, error) {
	t, err := db.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: close blockers: %w", err)
	}
	defer t.Rollback()
	b, err := closeBlockers(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("storage: close blockers: %w", err)
	}
	return b, nil
}

func closeBlockers(ctx context.Context, q querier) (*pos.ShiftBlockedError, error) {
	b := &pos.ShiftBlockedError{}
	// Each row is a name, an amount (or -1) and a state.
	list := func(query string, into *[]string) error {
		return eachRow(ctx, q, query, nil, func(scan func(...any) error) error {
			var name, state string
			var amount money.Fen
			if err := scan(&name, &amount, &state); err != nil {
				return err
			}
			line := name
			if amount >= 0 {
				line += " " + amount.Yuan()
			}
			*into = append(*into, strings.TrimSpace(line+" "+state))
			return nil
		})
	}
	err := errors.Join(
		list(`SELECT CASE WHEN note <> '' THEN note ELSE id END, -1, '' FROM carts WHERE held = 1 ORDER BY seq`, &b.Held),
		list(`SELECT provider || ' ' || id, amount_fen, state FROM payments
			WHERE state NOT IN ('succeeded', 'failed', 'reversed', 'refunded') ORDER BY created_at, id`, &b.Payments),
		list(`SELECT kind || ' ' || id, amount_fen, '' FROM refunds WHERE state = 'pending' ORDER BY at, id`, &b.Refunds))
	return b, err
}

// CloseShift closes the open shift with the cashier's count in one
// transaction: it refuses while anything blocks (*pos.ShiftBlockedError),
// works out the expected cash from the shift's own rows, judges the count
// (pos.JudgeCount with recountOver: pos.ErrRecountNeeded,
// pos.ErrReasonNeeded write nothing), books the over/short to the cash
// over/short account, and appends the close's audit event. Closing again
// with the same close ID is a no-op that returns the shift; another close
// of a closed shift is pos.ErrShiftClosed.
func (db *DB) CloseShift(ctx context.Context, c pos.ShiftClosing, recountOver money.Fen) (pos.Shift, error) {
	if err := c.Counted.Validate(); err != nil {
		return pos.Shift{}, fmt.Errorf("storage: close shift: %w", err)
	}
	if c.ID == "" || c.By == "" {
		return pos.Shift{}, pos.Errorf(pos.CodeInvalid, "storage: close shift: needs a close ID and who closes")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return pos.Shift{}, fmt.Errorf("storage: close shift: %w", err)
	}
	defer tx.Rollback()
	sh, err := closeShift(ctx, tx, c, recountOver)
	if err != nil {
		return sh, fmt.Errorf("storage: close shift %s: %w", c.ShiftID, err)
	}
	if err := tx.Commit(); err != nil {
		return sh, fmt.Errorf("storage: close shift %s: commit: %w", c.ShiftID, classify(err))
	}
	return sh, nil
}

func closeShift(ctx context.Context, tx *tx, c pos.ShiftClosing, recountOver money.Fen) (pos.Shift, error) {
	sh, err := shiftByID(ctx, tx, c.ShiftID)
	switch {
	case err != nil:
		return sh, err
	case sh.State == pos.ShiftClosed && sh.CloseID == c.ID:
		return sh, nil // a retry
	case sh.State == pos.ShiftClosed:
		return sh, pos.ErrShiftClosed
	}
	if err := c.CheckFinal(); err != nil {
		return sh, err
	}
	if b, err := closeBlockers(ctx, tx); err != nil {
		return sh, err
	} else if b.Blocks() {
		return sh, b
	}
	f, err := shiftFigures(ctx, tx, sh)
	if err != nil {
		return sh, err
	}
	sh.Expected, sh.Counted = f.Expected(), c.Counted
	sh.OverShort = c.Counted.Total() - sh.Expected
	if err := pos.JudgeCount(sh.OverShort, recountOver, c.Recounts, c.Reason).Err(); err != nil {
		return sh, err
	}
	approver, approval, err := shiftApproval(ctx, tx, c.Approver, pos.ActShiftClose, "shift:"+sh.ID, 0, c.By)
	if err != nil {
		return sh, err
	}
	sh.CloseID, sh.ClosedAt, sh.ClosedBy, sh.Recounts, sh.Reason, sh.Approver =
		c.ID, tx.now, c.By, c.Recounts, c.Reason, approver
	sh.State = pos.ShiftClosed
	return sh, writeClose(ctx, tx, &sh, c, approval)
}

// writeClose books the over/short, appends the close's event and completes
// the shift row.
func writeClose(ctx context.Context, tx *tx, sh *pos.Shift, c pos.ShiftClosing, approval string) error {
	e, ok, err := pos.OverShortEntry("os-"+sh.ID, sh.ID, tx.now, sh.OverShort)
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "over/short entry: %w", err)
	}
	entryID := ""
	if ok {
		if err := insertEntry(ctx, tx, e); err != nil {
			return err
		}
		entryID = e.ID
	}
	data := map[string]any{"no": sh.No, "counted_fen": int64(sh.Counted.Total()), "expected_fen": int64(sh.Expected),
		"over_short_fen": int64(sh.OverShort), "recounts": sh.Recounts, "reason": sh.Reason,
		"counted": countData(sh.Counted)}
	if approval != "" {
		data["approval"] = approval
	}
	if c.First != nil {
		data["first_count_fen"] = int64(c.First.Total())
	}
	ev, err := appendClosure(ctx, tx, pos.AuditEvent{Till: sh.Till, Actor: sh.ClosedBy, Approver: sh.Approver,
		Kind: pos.AuditShiftClose, Subject: "shift:" + sh.ID, Data: pos.AuditData(data)})
	if err != nil {
		return err
	}
	sh.CloseSeq = ev.Seq
	const q = `UPDATE shifts SET state = 'closed', close_id = ?, closed_at = ?, closed_by = ?, counted_json = ?,
		counted_fen = ?, expected_fen = ?, over_short_fen = ?, recounts = ?, reason = ?, approver = ?,
		close_seq = ?, entry_id = ? WHERE id = ?`
	_, err = tx.ExecContext(ctx, q, sh.CloseID, formatTime(sh.ClosedAt), sh.ClosedBy, countJSON(sh.Counted),
		int64(sh.Counted.Total()), int64(sh.Expected), int64(sh.OverShort), sh.Recounts, sh.Reason, sh.Approver,
		sh.CloseSeq, entryID, sh.ID)
	return classify(err)
}

// Shifts lists the newest shifts first, at most limit.
func (db *DB) Shifts(ctx context.Context, limit int) ([]pos.Shift, error) {
	var ids []string
	err := eachRow(ctx, db.ro, `SELECT id FROM shifts ORDER BY no DESC LIMIT ?`, []any{limit},
		func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("storage: shifts: %w", err)
	}
	out := make([]pos.Shift, 0, len(ids))
	for _, id := range ids {
		sh, err := db.Shift(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, nil
}

// zFigures is what a Z report stores of its figures as JSON.
type zFigures struct {
	ShiftNos  []int64                              `json:"shift_nos"`
	ByTender  map[pos.TenderKind]pos.TenderFigures `json:"by_tender"`
	Sales     int                                  `json:"sales"`
	OverShort money.Fen                            `json:"over_short_fen"`
}

func zJSON(z pos.ZReport) string {
	b, _ := json.Marshal(zFigures{z.ShiftNos, z.ByTender, z.Sales, z.OverShort}) // plain data
	return string(b)
}

// ShiftCash sums the shifts closed in [from, to): how many, their floats,
// their counts and their over/short. Counted − Float is the cash the
// shifts took in as counted, which the reconciliation sets against the
// ledger's cash of those days.
type ShiftCash struct {
	Shifts                    int
	Float, Counted, OverShort money.Fen
}

// ShiftCash reads the shifts closed in [from, to).
func (db *DB) ShiftCash(ctx context.Context, from, to time.Time) (ShiftCash, error) {
	var c ShiftCash
	const q = `SELECT count(*), COALESCE(sum(float_fen), 0), COALESCE(sum(counted_fen), 0),
		COALESCE(sum(over_short_fen), 0) FROM shifts WHERE state = 'closed' AND closed_at >= ? AND closed_at < ?`
	err := db.ro.QueryRowContext(ctx, q, formatTime(from), formatTime(to)).Scan(&c.Shifts, &c.Float, &c.Counted, &c.OverShort)
	if err != nil {
		return c, fmt.Errorf("storage: shift cash: %w", classify(err))
	}
	return c, nil
}
