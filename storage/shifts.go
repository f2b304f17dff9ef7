package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Shifts: one open at a time (one database is one till). Every sale and
// journal entry written while a shift is open belongs to it (insertSale,
// entryInShift), so a shift's figures come from its own rows, never from a
// time range a slow clock could blur.

// OpenShift opens a shift with its float in one transaction with its
// audit event. Opening again with the same ID is a no-op that returns the
// shift while it is open, and pos.ErrShiftClosed once it is closed (a
// closed shift is never reopened); opening while another is open is
// pos.ErrShiftOpen.
func (db *DB) OpenShift(ctx context.Context, o pos.ShiftOpening) (pos.Shift, error) {
	if err := o.Validate(); err != nil {
		return pos.Shift{}, fmt.Errorf("storage: open shift: %w", err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return pos.Shift{}, fmt.Errorf("storage: open shift: %w", err)
	}
	defer tx.Rollback()
	if sh, err := shiftByID(ctx, tx, o.ID); err == nil && sh.State == pos.ShiftOpen {
		return sh, nil // a retry
	} else if err == nil {
		return sh, fmt.Errorf("storage: open shift %s again: %w", o.ID, pos.ErrShiftClosed) // never reopened
	} else if !errors.Is(err, ErrNotFound) {
		return pos.Shift{}, fmt.Errorf("storage: open shift: %w", err)
	}
	sh, err := insertShift(ctx, tx, o)
	if err != nil {
		return pos.Shift{}, fmt.Errorf("storage: open shift: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return pos.Shift{}, fmt.Errorf("storage: open shift: commit: %w", classify(err))
	}
	return sh, nil
}

func insertShift(ctx context.Context, tx *tx, o pos.ShiftOpening) (pos.Shift, error) {
	if _, err := openShift(ctx, tx); err == nil {
		return pos.Shift{}, pos.ErrShiftOpen
	} else if !errors.Is(err, pos.ErrNoShift) {
		return pos.Shift{}, err
	}
	sh := pos.Shift{ID: o.ID, Till: o.Till, Cashier: o.Cashier, OpenedAt: tx.now, Float: o.Float, State: pos.ShiftOpen}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(no), 0) + 1 FROM shifts`).Scan(&sh.No); err != nil {
		return sh, classify(err)
	}
	ev, err := appendAudit(ctx, tx, pos.AuditEvent{Till: o.Till, Actor: o.Cashier, Kind: pos.AuditShiftOpen,
		Subject: "shift:" + o.ID, Data: pos.AuditData(map[string]any{"no": sh.No,
			"float_fen": int64(o.Float.Total()), "float": countData(o.Float)})})
	if err != nil {
		return sh, err
	}
	sh.OpenSeq = ev.Seq
	const q = `INSERT INTO shifts (id, no, till, cashier, opened_at, float_json, float_fen, open_seq, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')`
	_, err = tx.ExecContext(ctx, q, sh.ID, sh.No, sh.Till, sh.Cashier, formatTime(sh.OpenedAt),
		countJSON(o.Float), int64(o.Float.Total()), sh.OpenSeq)
	return sh, classify(err)
}

// requireShift refuses a sale or the start of a refund while no shift is
// open in a shop that uses shifts (one has ever been opened): it would
// belong to no shift and no Z report. A shop that never opened one works
// without.
func requireShift(ctx context.Context, tx *tx) error {
	var used, open bool
	const q = `SELECT EXISTS (SELECT 1 FROM shifts), EXISTS (SELECT 1 FROM shifts WHERE state = 'open')`
	if err := tx.QueryRowContext(ctx, q).Scan(&used, &open); err != nil {
		return classify(err)
	}
	if used && !open {
		return pos.ErrNoShift
	}
	return nil
}

// countData is a count as audit data: pieces by denomination in fen.
func countData(c pos.Count) map[string]any {
	out := map[string]any{}
	for d, n := range c {
		if n != 0 {
			out[fmt.Sprint(int64(d))] = n
		}
	}
	return out
}

func countJSON(c pos.Count) string {
	b, _ := json.Marshal(countData(c)) // strings and ints: cannot fail
	return string(b)
}

func parseCount(s string) (pos.Count, error) {
	var c pos.Count
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, fmt.Errorf("%w: bad stored count %q", ErrCorrupt, s)
	}
	return c, nil
}

// CurrentShift is the open shift; pos.ErrNoShift when none is.
func (db *DB) CurrentShift(ctx context.Context) (pos.Shift, error) {
	sh, err := openShift(ctx, db.ro)
	if err != nil {
		return sh, fmt.Errorf("storage: current shift: %w", err)
	}
	return sh, nil
}

// Shift reads one shift; ErrNotFound when there is no such shift.
func (db *DB) Shift(ctx context.Context, id string) (pos.Shift, error) {
	sh, err := shiftByID(ctx, db.ro, id)
	if err != nil {
		return sh, fmt.Errorf("storage: shift %s: %w", id, err)
	}
	return sh, nil
}

const shiftCols = `id, no, till, cashier, opened_at, float_json, open_seq, state, close_id, closed_at,
	closed_by, counted_json, expected_fen, over_short_fen, recounts, reason, approver, close_seq, z_no`

func openShift(ctx context.Context, q querier) (pos.Shift, error) {
	sh, err := scanShift(q.QueryRowContext(ctx, `SELECT `+shiftCols+` FROM shifts WHERE state = 'open'`))
	if errors.Is(err, ErrNotFound) {
		return sh, pos.ErrNoShift
	}
	return sh, err
}

func shiftByID(ctx context.Context, q querier, id string) (pos.Shift, error) {
	return scanShift(q.QueryRowContext(ctx, `SELECT `+shiftCols+` FROM shifts WHERE id = ?`, id))
}

func scanShift(row *sql.Row) (pos.Shift, error) {
	var sh pos.Shift
	var opened, closed, float, counted, state string
	err := row.Scan(&sh.ID, &sh.No, &sh.Till, &sh.Cashier, &opened, &float, &sh.OpenSeq, &state, &sh.CloseID,
		&closed, &sh.ClosedBy, &counted, &sh.Expected, &sh.OverShort, &sh.Recounts, &sh.Reason, &sh.Approver,
		&sh.CloseSeq, &sh.ZNo)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, ErrNotFound
	}
	if err != nil {
		return sh, classify(err)
	}
	sh.State = pos.ShiftState(state)
	if sh.OpenedAt, err = parseTime(opened); err != nil {
		return sh, err
	}
	if closed != "" {
		if sh.ClosedAt, err = parseTime(closed); err != nil {
			return sh, err
		}
	}
	if sh.Float, err = parseCount(float); err != nil {
		return sh, err
	}
	sh.Counted, err = parseCount(counted)
	return sh, err
}

// SaveCashMove books a paid-in, paid-out or drop of the open shift: the
// move, its journal entry and its audit event in one transaction. Saving
// the same move again is a no-op; the same ID with other figures is a
// pos.CodeConflict error. A move for a shift that is not the open one is
// pos.ErrNoShift or pos.ErrShiftClosed.
func (db *DB) SaveCashMove(ctx context.Context, m pos.CashMove) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("storage: cash move: %w", err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: cash move %s: %w", m.ID, err)
	}
	defer tx.Rollback()
	done, err := cashMoveRepeat(ctx, tx, m)
	if err == nil && !done {
		err = insertCashMove(ctx, tx, m)
	}
	if err != nil {
		return fmt.Errorf("storage: cash move %s: %w", m.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: cash move %s: commit: %w", m.ID, classify(err))
	}
	return nil
}

// cashMoveRepeat tells whether m is already saved: true for the same move,
// a conflict for another under its ID.
func cashMoveRepeat(ctx context.Context, tx *tx, m pos.CashMove) (bool, error) {
	var kind string
	var amount money.Fen
	err := tx.QueryRowContext(ctx, `SELECT kind, amount_fen FROM cash_moves WHERE id = ?`, m.ID).Scan(&kind, &amount)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, classify(err)
	}
	if kind != string(m.Kind) || amount != m.Amount {
		return false, pos.Errorf(pos.CodeConflict, "saved as %s of %v", kind, amount)
	}
	return true, nil
}

func insertCashMove(ctx context.Context, tx *tx, m pos.CashMove) error {
	sh, err := openShift(ctx, tx)
	if err != nil {
		return err
	}
	if sh.ID != m.ShiftID {
		return pos.ErrShiftClosed
	}
	if m.At.IsZero() {
		m.At = tx.now
	}
	approver, approval, err := shiftApproval(ctx, tx, m.Approver, cashMoveAction[m.Kind], "shift:"+sh.ID, m.Amount, m.By)
	if err != nil {
		return err
	}
	m.Approver = approver
	e, err := m.Entry("cm-" + m.ID)
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "entry: %w", err)
	}
	if err := insertEntry(ctx, tx, e); err != nil {
		return err
	}
	const q = `INSERT INTO cash_moves (id, shift_id, kind, amount_fen, reason, by_staff, approver, at, entry_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err = tx.ExecContext(ctx, q, m.ID, m.ShiftID, string(m.Kind), int64(m.Amount), m.Reason, m.By, m.Approver,
		formatTime(m.At), e.ID)
	if err != nil {
		return classify(err)
	}
	data := map[string]any{"id": m.ID, "kind": string(m.Kind), "amount_fen": int64(m.Amount), "reason": m.Reason}
	if approval != "" {
		data["approval"] = approval
	}
	_, err = appendAudit(ctx, tx, pos.AuditEvent{Till: sh.Till, Actor: m.By, Approver: m.Approver,
		Kind: pos.AuditCashMove, Subject: "shift:" + sh.ID, Data: pos.AuditData(data)})
	return err
}

// cashMoveAction is the permission each kind of cash move needs, as the
// shift screens gate them (a drop to the safe as a paid-in).
var cashMoveAction = map[pos.CashMoveKind]pos.Action{pos.PaidIn: pos.ActPaidIn, pos.PaidOut: pos.ActPaidOut,
	pos.Drop: pos.ActPaidIn}
