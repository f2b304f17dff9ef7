package soak

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Shifts in the soak: the till keeps a shift open while it sells (opening
// one at start when the last process was killed between a close and the
// next open), and a shift manager, now and then, moves cash in and out and
// closes the shift with a count of the drawer — exact, a little off, or off
// by more than the recount limit (then recounted, then given a reason) —
// and opens the next. A close is refused while a cart is held or a payment
// is 待确认: the manager then waits for the lanes to finish what they are
// ringing up (t.counter) and tries again later. SIGKILL lands anywhere in
// all this; the audit (auditShifts) checks each shift's figures against
// the ledger and the audit chain.

// recountOver is the soak's recount limit (the default table's).
var recountOver = pos.DefaultLimits().RecountOver

const shiftTill = "01-01"

// ensureShift opens a shift when none is open.
func (t *Till) ensureShift(ctx context.Context, r *rand.Rand) error {
	if _, err := t.DB.CurrentShift(ctx); !errors.Is(err, pos.ErrNoShift) {
		return err
	}
	float := pos.Count{10000: int64(r.IntN(3)), 1000: int64(5 + r.IntN(10)), 100: int64(r.IntN(30)), 50: int64(r.IntN(5))}
	if _, err := t.DB.OpenShift(ctx, pos.ShiftOpening{ID: NewID(), Till: shiftTill, Cashier: "收银员", Float: float}); err != nil {
		return fmt.Errorf("soak: open shift: %w", err)
	}
	t.Events.Add("shift opened")
	return nil
}

// RunShifts is the shift manager: until ctx ends, a cash move or a close
// every few hundred milliseconds.
func (t *Till) RunShifts(ctx context.Context, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 7))
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(100+r.IntN(400)) * time.Millisecond):
		}
		var err error
		if r.IntN(3) == 0 {
			err = t.closeAndReopen(ctx, r)
		} else {
			err = t.cashMove(ctx, r)
		}
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
}

func (t *Till) cashMove(ctx context.Context, r *rand.Rand) error {
	sh, err := t.DB.CurrentShift(ctx)
	if errors.Is(err, pos.ErrNoShift) {
		return t.ensureShift(ctx, r)
	}
	if err != nil {
		return err
	}
	kind := pos.CashMoveKinds[r.IntN(len(pos.CashMoveKinds))]
	m := pos.CashMove{ID: NewID(), ShiftID: sh.ID, Kind: kind, Amount: money.Fen(100 * (1 + r.IntN(50))),
		Reason: "soak " + string(kind), By: "店长"}
	if err := t.DB.SaveCashMove(ctx, m); err != nil {
		return fmt.Errorf("soak: cash move: %w", err)
	}
	t.Events.Add("shift cash move")
	return nil
}

// closeAndReopen closes the open shift, holding the lanes between sales,
// and opens the next; a refused close waits for the next turn.
func (t *Till) closeAndReopen(ctx context.Context, r *rand.Rand) error {
	t.counter.Lock()
	defer t.counter.Unlock()
	sh, err := t.DB.CurrentShift(ctx)
	if errors.Is(err, pos.ErrNoShift) {
		return t.ensureShift(ctx, r)
	}
	if err != nil {
		return err
	}
	closed, err := t.closeShift(ctx, sh, r)
	if err != nil || !closed {
		return err
	}
	return t.ensureShift(ctx, r)
}

// closeShift counts the drawer and closes sh: exact half the time, else
// off by up to ¥10 (above the limit: recounted the same, then a reason).
func (t *Till) closeShift(ctx context.Context, sh pos.Shift, r *rand.Rand) (bool, error) {
	f, err := t.DB.ShiftFigures(ctx, sh.ID)
	if err != nil {
		return false, err
	}
	counted := f.Expected()
	if r.IntN(2) == 0 {
		counted += money.Fen(10 * (r.IntN(201) - 100))
	}
	c := pos.ShiftClosing{ID: NewID(), ShiftID: sh.ID, By: "店长", Counted: drawerCount(max(counted, 0))}
	for {
		_, err := t.DB.CloseShift(ctx, c, recountOver)
		var blocked *pos.ShiftBlockedError
		switch {
		case err == nil:
			t.Events.Add("shift closed")
			return true, nil
		case errors.As(err, &blocked):
			t.Events.Add("shift close refused (held sale or 待确认)")
			return false, nil
		case errors.Is(err, pos.ErrRecountNeeded):
			t.Events.Add("shift recount")
			c.First, c.Recounts = c.Counted, 1
		case errors.Is(err, pos.ErrReasonNeeded):
			c.Reason = "soak: the count stays off"
		default:
			return false, fmt.Errorf("soak: close shift: %w", err)
		}
	}
}

// drawerCount is a count of notes and coins worth f rounded down to the
// jiao (the drawer holds no fen coins).
func drawerCount(f money.Fen) pos.Count {
	c := pos.Count{}
	for _, d := range pos.Denominations {
		if n := f / d; n > 0 {
			c[d] = int64(n)
			f -= n * d
		}
	}
	return c
}

// closeForGood closes the last shift once everything is settled, and makes
// the Z report over the shifts no Z took yet: the audit finds every shift
// closed.
func (t *Till) closeForGood(ctx context.Context) error {
	r := rand.New(rand.NewPCG(t.cfg.Seed, 8))
	sh, err := t.DB.CurrentShift(ctx)
	switch {
	case errors.Is(err, pos.ErrNoShift):
	case err != nil:
		return err
	default:
		if closed, err := t.closeShift(ctx, sh, r); err != nil {
			return err
		} else if !closed {
			return fmt.Errorf("soak: the last shift cannot close after everything settled")
		}
	}
	z, err := t.DB.SaveZReport(ctx, "店主", shiftTill)
	if errors.Is(err, pos.ErrNothingForZ) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("soak: Z report: %w", err)
	}
	fmt.Fprintf(os.Stderr, "soak: Z report %d over %d shifts, net %v, grand total %v\n",
		z.No, len(z.ShiftNos), z.Net, z.GrandTotal)
	return nil
}
